package dev.gatehouse.stages;

import java.util.Objects;
import java.util.Optional;

/**
 * What a stage would do with one request, told without doing it ({@code gatehouse explain}): what it does in words,
 * and the answer it would give itself, if any (the rest of the chain and the action then never run).
 *
 * @param effect what the stage does to this request (or would do to its response), in a short sentence
 * @param answer the stage's own answer, when it would answer instead of passing on
 */
public record Foresight(String effect, Optional<Answer> answer) {
    public Foresight {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(answer, "answer");
    }

    /**
     * A stage's own answer.
     *
     * @param status   the status it would answer with
     * @param location the Location header of a redirect
     */
    public record Answer(int status, Optional<String> location) {
    }

    /** The stage passes the request on, doing {@code effect}. */
    public static Foresight passes(String effect) {
        return new Foresight(effect, Optional.empty());
    }

    /** The stage answers {@code status} itself. */
    public static Foresight answers(int status, String effect) {
        return new Foresight(effect, Optional.of(new Answer(status, Optional.empty())));
    }

    /** The stage redirects to {@code location}. */
    public static Foresight redirects(int status, String location, String effect) {
        return new Foresight(effect, Optional.of(new Answer(status, Optional.of(location))));
    }
}
