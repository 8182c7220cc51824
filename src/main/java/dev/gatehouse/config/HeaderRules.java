package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code request_headers} and {@code response_headers}, at a site or a route:
 * {@code { set: {NAME: VALUE}, add: {NAME: VALUE or [VALUES]}, remove: [NAME] }}, values with placeholders
 * ({@link Template}); {@code response_headers} also takes {@code only: upstream} (leave Gatehouse's own answers
 * alone). Rules apply remove, then set, then add, with every value computed before any rule applies. A route's rules
 * add to its site's, header by header: for a header name the route has rules for, the site's rules for it are left
 * out ({@link #under}).
 *
 * @param rules every rule, in the order remove, set, add
 */
public record HeaderRules(List<Rule> rules) implements StageConfig {

    /** What a rule does to its header. */
    public enum Op { REMOVE, SET, ADD }

    /**
     * One rule.
     *
     * @param op           remove, set (replace every value) or add (one more value)
     * @param name         the header name, lower case
     * @param value        the value ({@link Template#literal} "" for a removal)
     * @param upstreamOnly response rules only: applies to upstream responses, not Gatehouse's own answers
     */
    public record Rule(Op op, String name, Template value, boolean upstreamOnly) {
        public Rule {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    private static final List<String> REQUEST_KEYS = List.of("set", "add", "remove");
    private static final List<String> RESPONSE_KEYS = List.of("set", "add", "remove", "only");
    /**
     * Framing and hop-by-hop fields (RFC 9110 §7.6.1, RFC 9112 §6): Gatehouse writes them for each hop itself, and a
     * rule that changed them would corrupt the message or smuggle one.
     */
    static final Set<String> MANAGED = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "proxy-connection", "te", "trailer", "upgrade");

    public HeaderRules {
        rules = List.copyOf(rules);
    }

    /**
     * The rules of a route ({@code this}) over its site's: the site's rules for headers this block does not
     * name, then this block's, in the order remove, set, add.
     */
    public HeaderRules under(HeaderRules site) {
        Set<String> mine = new HashSet<>();
        rules.forEach(r -> mine.add(r.name()));
        List<Rule> merged = new ArrayList<>();
        for (Op op : Op.values()) {
            site.rules.stream().filter(r -> r.op() == op && !mine.contains(r.name())).forEach(merged::add);
            rules.stream().filter(r -> r.op() == op).forEach(merged::add);
        }
        return new HeaderRules(merged);
    }

    static Optional<HeaderRules> readRequest(Node node, String path, StageKeys.Reading in) {
        return read(node, path, in, false);
    }

    static Optional<HeaderRules> readResponse(Node node, String path, StageKeys.Reading in) {
        return read(node, path, in, true);
    }

    private static Optional<HeaderRules> read(Node node, String path, StageKeys.Reading in, boolean response) {
        Problems problems = in.problems();
        return YamlMap.fields(node, path, response ? RESPONSE_KEYS : REQUEST_KEYS, problems).map(m -> {
            boolean upstreamOnly = response && only(m, in.values());
            List<Rule> rules = new ArrayList<>();
            m.get("remove").ifPresent(n -> removals(n, m.path("remove"), upstreamOnly, in.values(), rules));
            m.get("set").ifPresent(n -> values(n, m.path("set"), Op.SET, upstreamOnly, response, in.values(), rules));
            m.get("add").ifPresent(n -> values(n, m.path("add"), Op.ADD, upstreamOnly, response, in.values(), rules));
            if (m.isEmpty() && !m.hadUnknownKeys()) {
                problems.at(node, path, "no rules (expected: set, add or remove, like set: { X-Frame-Options: DENY })");
            }
            return new HeaderRules(rules);
        });
    }

    private static boolean only(YamlMap m, Values values) {
        return m.get("only").flatMap(n -> values.string(n, m.path("only")).filter(text -> {
            if (text.equals("upstream")) {
                return true;
            }
            values.problems().at(n, m.path("only"), "\"" + text + "\" is not a kind of response (expected: upstream, "
                    + "for upstream responses only; leave it out for every response)");
            return false;
        })).isPresent();
    }

    private static void removals(Node node, String path, boolean upstreamOnly, Values values, List<Rule> out) {
        List<Node> items = Values.oneOrMany(node);
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            values.string(item, itemPath).flatMap(name -> name(name, item, itemPath, values.problems()))
                    .ifPresent(name -> out.add(new Rule(Op.REMOVE, name, Template.literal(""), upstreamOnly)));
        }
    }

    private static void values(Node node, String path, Op op, boolean upstreamOnly, boolean response, Values values,
                               List<Rule> out) {
        Problems problems = values.problems();
        YamlMap.names(node, path, "header", h -> h.toLowerCase(Locale.ROOT), problems).ifPresent(headers -> {
            for (YamlMap.Entry e : headers.entries()) {
                Optional<String> name = name(e.key(), e.keyNode(), headers.path(), problems);
                String valuePath = headers.path(e.key());
                List<Node> items = op == Op.ADD ? Values.oneOrMany(e.value()) : List.of(e.value());
                if (op == Op.SET && e.value() instanceof SequenceNode) {
                    problems.at(e.value(), valuePath, "set takes one value (expected: a string; add takes a list)");
                    continue;
                }
                for (int i = 0; i < items.size(); i++) {
                    Node item = items.get(i);
                    String itemPath = e.value() instanceof SequenceNode ? YamlNodes.item(valuePath, i) : valuePath;
                    Optional<Template> value = values.template(item, itemPath)
                            .filter(t -> fieldValue(t, item, itemPath, problems))
                            .filter(t -> targetOnlySet(t, op, response, item, itemPath, problems));
                    if (name.isPresent() && value.isPresent()) {
                        out.add(new Rule(op, name.get(), value.get(), upstreamOnly));
                    }
                }
            }
        });
    }

    /** A token (RFC 9110 §5.1) and not one of the fields Gatehouse manages per hop. */
    private static Optional<String> name(String name, Node node, String path, Problems problems) {
        if (!name.matches(ActionReader.TOKEN)) {
            problems.at(node, path, "\"" + name + "\" is not a valid header name (expected: letters, digits and "
                    + "!#$%&'*+.^_`|~-)");
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (MANAGED.contains(lower)) {
            problems.at(node, path, "\"" + name + "\" is set by Gatehouse for each hop and cannot be changed by a rule "
                    + "(expected: another header; framing and hop-by-hop fields are managed)");
            return Optional.empty();
        }
        return Optional.of(lower);
    }

    /** No control characters: a CR or LF in a value would end the header early (response splitting). */
    private static boolean fieldValue(Template t, Node node, String path, Problems problems) {
        for (Template.Part p : t.parts()) {
            if (p instanceof Template.Literal l && l.text().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                problems.at(node, path, "the value has a control character such as a line break (expected: one "
                        + "line of text)");
                return false;
            }
        }
        return true;
    }

    /**
     * {@code {upstream_target}} in a request header is known once a target is picked, and may change when the request
     * is retried on another: only {@code set} can follow that (an added value would stay behind from the first try).
     */
    private static boolean targetOnlySet(Template t, Op op, boolean response, Node node, String path,
                                         Problems problems) {
        if (response || op == Op.SET || !t.uses(Template.Field.UPSTREAM_TARGET)) {
            return true;
        }
        problems.at(node, path, "{upstream_target} can only be used with set in request_headers (expected: set: "
                + "{ NAME: \"{upstream_target}\" }; a retry on another target replaces it)");
        return false;
    }
}
