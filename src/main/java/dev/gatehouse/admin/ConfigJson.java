package dev.gatehouse.admin;

import dev.gatehouse.config.Durations;
import dev.gatehouse.config.HeaderRules;
import dev.gatehouse.config.Template;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The running config as JSON values for {@code GET /config}, walked from the config records themselves so that every
 * setting shows up, including ones added later: record components become snake_case keys, the cases of sealed types
 * say their {@code type}, durations read like the config ({@code 10s}, {@code 365d}). Secrets (any component whose
 * name says token, secret, password or hmac, and the values of credential headers in header rules) are written
 * {@value #REDACTED}.
 */
final class ConfigJson {
    static final String REDACTED = "[redacted]";
    private static final Pattern SECRET = Pattern.compile("(?i).*(token|secret|password|hmac).*");
    private static final Pattern SECRET_HEADER =
            Pattern.compile("(?i).*(authorization|cookie|token|secret|password|key|auth|signature).*");

    private ConfigJson() {
    }

    /** {@code value} as maps, lists, strings, numbers and booleans for {@link Json#write}. */
    static Object of(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Optional<?> o) {
            return o.map(ConfigJson::of).orElse(null);
        }
        if (value instanceof OptionalInt o) {
            return o.isPresent() ? o.getAsInt() : null;
        }
        if (value instanceof OptionalLong o) {
            return o.isPresent() ? o.getAsLong() : null;
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Duration d) {
            return duration(d);
        }
        if (value instanceof Path || value instanceof java.net.URI) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return enumName(e);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
            return out;
        }
        if (value instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            c.forEach(v -> out.add(of(v)));
            if (value instanceof Set<?>) {
                out.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
            }
            return out;
        }
        if (value instanceof Template t) {
            return t.toString();
        }
        if (value instanceof HeaderRules.Rule rule) {
            return headerRule(rule);
        }
        if (value instanceof Record r) {
            return record(r);
        }
        return value.toString();
    }

    /** A header rule; the value of a credential header ({@code Authorization: Bearer ...}) is redacted. */
    private static Map<String, Object> headerRule(HeaderRules.Rule rule) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", enumName(rule.op()));
        out.put("name", rule.name());
        if (rule.op() != HeaderRules.Op.REMOVE) {
            out.put("value", SECRET_HEADER.matcher(rule.name()).matches() ? REDACTED : rule.value().toString());
        }
        out.put("upstream_only", rule.upstreamOnly());
        return out;
    }

    private static Map<String, Object> record(Record r) {
        Map<String, Object> out = new LinkedHashMap<>();
        Class<?> type = r.getClass();
        Class<?> outer = type.getEnclosingClass();
        boolean sealedCase = outer != null && outer.isSealed() && outer.isInterface()
                || Arrays.stream(type.getInterfaces()).anyMatch(Class::isSealed);
        if (sealedCase) {
            out.put("type", caseName(r));
        }
        for (RecordComponent c : type.getRecordComponents()) {
            Object v;
            try {
                Method accessor = c.getAccessor();
                accessor.trySetAccessible();
                v = accessor.invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                v = "[unreadable: " + e + "]";
            }
            boolean secret = SECRET.matcher(c.getName()).matches() && v != null && !Optional.empty().equals(v);
            out.put(snake(c.getName()), secret ? REDACTED : of(v));
        }
        return out;
    }

    /** The case as the config writes it ({@code configName()}, e.g. {@code acme-dns}), else its class in snake_case. */
    private static String caseName(Record r) {
        try {
            Method configName = r.getClass().getMethod("configName");
            return String.valueOf(configName.invoke(r));
        } catch (ReflectiveOperationException ignored) {
            return snake(r.getClass().getSimpleName());
        }
    }

    private static String enumName(Enum<?> e) {
        try {
            Method configName = e.getClass().getMethod("configName");
            return String.valueOf(configName.invoke(e));
        } catch (ReflectiveOperationException ignored) {
            return e.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The way the config writes durations: the largest unit that divides it, e.g. {@code 365d}, {@code 500ms}. */
    static String duration(Duration d) {
        return Durations.format(d);
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
