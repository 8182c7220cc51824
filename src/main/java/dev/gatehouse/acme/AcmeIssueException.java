package dev.gatehouse.acme;

import dev.gatehouse.config.AcmeSettings.ChallengeType;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An order that did not produce a certificate, with what a log line and the renewal backoff need:
 * which names, at which CA, in which step, with which challenge, what the CA said and when it allows a retry.
 * When several directories are configured and all fail, the first directory's failure is thrown and the
 * others are attached as {@linkplain #getSuppressed() suppressed}.
 */
public final class AcmeIssueException extends Exception {

    /** Where in the RFC 8555 flow the order stopped. */
    public enum Step {
        /** the directory could not be fetched: CA down, TLS trust, DNS */
        DIRECTORY,
        /** account lookup or registration (EAB rejected, contact refused) */
        ACCOUNT,
        /** newOrder refused (rate limit, policy forbids the name) */
        ORDER,
        /** an authorization did not become valid: the CA could not validate the challenge */
        CHALLENGE,
        /** finalize with the CSR or waiting for the certificate */
        FINALIZE,
        /** the certificate chain could not be downloaded */
        DOWNLOAD
    }

    /** The CA's problem document (RFC 7807 / RFC 8555 §6.7), e.g. {@code urn:ietf:params:acme:error:unauthorized}. */
    public record Problem(URI type, Optional<String> detail) {
        public Problem {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return detail.map(d -> type + " " + d).orElse(type.toString());
        }
    }

    private final List<String> names;
    private final URI directory;
    private final Step step;
    private final Optional<ChallengeType> challenge;
    private final Optional<Problem> problem;
    private final Optional<Instant> retryAfter;

    public AcmeIssueException(List<String> names, URI directory, Step step, Optional<ChallengeType> challenge,
                              Optional<Problem> problem, Optional<Instant> retryAfter, String message, Throwable cause) {
        super(describe(names, directory, step, challenge, problem, retryAfter, message), cause);
        this.names = List.copyOf(names);
        this.directory = Objects.requireNonNull(directory, "directory");
        this.step = Objects.requireNonNull(step, "step");
        this.challenge = Objects.requireNonNull(challenge, "challenge");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public List<String> names() {
        return names;
    }

    public URI directory() {
        return directory;
    }

    public Step step() {
        return step;
    }

    /** The challenge type being validated when it failed; empty before a challenge was chosen. */
    public Optional<ChallengeType> challenge() {
        return challenge;
    }

    /** The CA's problem document when it sent one (the challenge's or order's error, or an error response). */
    public Optional<Problem> problem() {
        return problem;
    }

    /** When the CA allows the next attempt (Retry-After of a rate limit, RFC 8555 §6.6); feeds {@link Backoff}. */
    public Optional<Instant> retryAfter() {
        return retryAfter;
    }

    private static String describe(List<String> names, URI directory, Step step, Optional<ChallengeType> challenge,
                                   Optional<Problem> problem, Optional<Instant> retryAfter, String message) {
        StringBuilder s = new StringBuilder("acme name=").append(String.join(",", names))
                .append(" ca=").append(directory);
        challenge.ifPresent(c -> s.append(" challenge=").append(c.configName()));
        s.append(" step=").append(step.name().toLowerCase(Locale.ROOT)).append(": ").append(message);
        problem.ifPresent(p -> s.append(" (problem ").append(p).append(')'));
        retryAfter.ifPresent(r -> s.append(" retry-after=").append(r));
        return s.toString();
    }
}
