package dev.gatehouse.routing;

import dev.gatehouse.config.Template;
import dev.gatehouse.http.Exchange;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Template} compiled for filling in: the pieces are decided at config load, so a request only appends
 * strings. A template without placeholders is one constant {@link AsciiString} (header values written as they are,
 * without encoding them per request). Immutable, shared by every event loop.
 */
public final class Expansion {

    /** One piece: literal text, or a value of the exchange. */
    @FunctionalInterface
    private interface Piece {
        void append(StringBuilder out, Exchange exchange);
    }

    private final Template template;
    private final AsciiString constant;
    private final Piece[] pieces;

    private Expansion(Template template) {
        this.template = template;
        if (template.isConstant()) {
            this.constant = new AsciiString(template.constant());
            this.pieces = new Piece[0];
        } else {
            this.constant = null;
            List<Piece> list = new ArrayList<>();
            for (Template.Part part : template.parts()) {
                list.add(piece(part));
            }
            this.pieces = list.toArray(Piece[]::new);
        }
    }

    public static Expansion of(Template template) {
        return new Expansion(template);
    }

    /** Whether the value is the same for every request. */
    public boolean isConstant() {
        return constant != null;
    }

    /** Whether the value reads {@code field}. */
    public boolean uses(Template.Field field) {
        return template.uses(field);
    }

    /** The value for this request: the constant itself when there are no placeholders. */
    public CharSequence expand(Exchange exchange) {
        if (constant != null) {
            return constant;
        }
        StringBuilder out = new StringBuilder(64);
        for (Piece p : pieces) {
            p.append(out, exchange);
        }
        return out.toString();
    }

    /** {@link #expand} as a String. */
    public String expandToString(Exchange exchange) {
        return expand(exchange).toString();
    }

    private static Piece piece(Template.Part part) {
        if (part instanceof Template.Literal literal) {
            String text = literal.text();
            return (out, exchange) -> out.append(text);
        }
        Template.Placeholder ph = (Template.Placeholder) part;
        return switch (ph.field()) {
            case CLIENT_IP -> (out, exchange) -> out.append(clientIp(exchange));
            case HOST -> (out, exchange) -> out.append(exchange.host());
            case SCHEME -> (out, exchange) -> out.append(exchange.secure() ? "https" : "http");
            case PATH -> (out, exchange) -> out.append(RequestPaths.rawPath(exchange.request().uri()));
            case QUERY -> (out, exchange) -> out.append(query(exchange.request().uri()));
            case URI -> (out, exchange) -> out.append(originForm(exchange.request().uri()));
            case REQUEST_ID -> (out, exchange) -> out.append(exchange.requestId());
            case SITE -> (out, exchange) -> out.append(exchange.site());
            case UPSTREAM_TARGET -> (out, exchange) -> {
                String target = exchange.target();
                out.append(target.equals("-") ? "" : target);
            };
            case HEADER -> {
                String name = ph.header().orElseThrow();
                yield (out, exchange) -> appendHeader(out, exchange, name);
            }
        };
    }

    private static String clientIp(Exchange exchange) {
        return exchange.clientIp();
    }

    private static void appendHeader(StringBuilder out, Exchange exchange, String name) {
        List<String> values = exchange.request().headers().getAll(name);
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(values.get(i));
        }
    }

    /** The query string without {@code ?}, "" when there is none. */
    static String query(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q + 1);
    }

    /** Path and query; an absolute-form target loses its scheme and authority. */
    static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int q = uri.indexOf('?');
        return RequestPaths.rawPath(uri) + (q >= 0 ? uri.substring(q) : "");
    }

    @Override
    public String toString() {
        return template.toString();
    }
}
