package dev.gatehouse.stages;

import dev.gatehouse.config.HeaderRules;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.routing.Expansion;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.List;

/**
 * Header rules compiled for applying: names as lower-case {@link AsciiString}s, values as {@link Expansion}s, in the
 * order remove, set, add. Every value is computed before any rule applies, so a rule may read a header another rule
 * of the same block removes ({@code set: { X-Real-IP: "{header.CF-Connecting-IP}" }, remove: [CF-Connecting-IP]}).
 * Immutable, shared by every request of a route.
 */
final class HeaderOps {
    static final HeaderOps NONE = new HeaderOps(List.of());

    private record Op(HeaderRules.Op op, AsciiString name, Expansion value) {
    }

    private final Op[] ops;
    private final boolean constant;

    HeaderOps(List<HeaderRules.Rule> rules) {
        this.ops = rules.stream()
                .map(r -> new Op(r.op(), AsciiString.cached(r.name()), Expansion.of(r.value())))
                .toArray(Op[]::new);
        boolean allConstant = true;
        for (Op op : ops) {
            allConstant &= op.value().isConstant();
        }
        this.constant = allConstant;
    }

    boolean isEmpty() {
        return ops.length == 0;
    }

    /** Whether every value is the same for every request (nothing to compute per request). */
    boolean isConstant() {
        return constant;
    }

    /** The values for this request, in rule order; null when every value is a constant. */
    CharSequence[] values(Exchange exchange) {
        if (constant) {
            return null;
        }
        CharSequence[] values = new CharSequence[ops.length];
        for (int i = 0; i < ops.length; i++) {
            values[i] = ops[i].value().expand(exchange);
        }
        return values;
    }

    /** Computes the values, then applies the rules. */
    void apply(HttpHeaders headers, Exchange exchange) {
        apply(headers, values(exchange));
    }

    /** Applies the rules with values from {@link #values} (null: the constants). */
    void apply(HttpHeaders headers, CharSequence[] values) {
        for (int i = 0; i < ops.length; i++) {
            Op op = ops[i];
            CharSequence value = values == null ? op.value().expand(null) : values[i];
            switch (op.op()) {
                case REMOVE -> headers.remove(op.name());
                case SET -> headers.set(op.name(), value);
                case ADD -> headers.add(op.name(), value);
            }
        }
    }
}
