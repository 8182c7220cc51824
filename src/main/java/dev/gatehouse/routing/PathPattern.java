package dev.gatehouse.routing;

import java.util.regex.Pattern;

/**
 * A route's path condition. {@code /api/*} and {@code /api/} match everything below {@code /api/}; a pattern with
 * {@code *} elsewhere is a glob ({@code *} within one segment, {@code **} across segments); anything else is exact.
 * Matched against the normalized path (see {@link RequestPaths#normalize}), so {@code /%61pi/../api/x} cannot dodge it.
 */
abstract sealed class PathPattern {

    static PathPattern parse(String pattern) {
        if (pattern.endsWith("/*") && pattern.indexOf('*') == pattern.length() - 1) {
            return new Prefix(pattern.substring(0, pattern.length() - 1));
        }
        if (pattern.endsWith("/") && pattern.indexOf('*') < 0) {
            return new Prefix(pattern);
        }
        if (pattern.indexOf('*') >= 0) {
            return new Glob(pattern);
        }
        return new Exact(pattern);
    }

    abstract boolean matches(String path);

    private static final class Prefix extends PathPattern {
        private final String prefix;

        Prefix(String prefix) {
            this.prefix = prefix;
        }

        @Override
        boolean matches(String path) {
            return path.startsWith(prefix);
        }
    }

    private static final class Exact extends PathPattern {
        private final String path;

        Exact(String path) {
            this.path = path;
        }

        @Override
        boolean matches(String candidate) {
            return path.equals(candidate);
        }
    }

    private static final class Glob extends PathPattern {
        private final Pattern regex;

        Glob(String glob) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*') {
                    boolean twice = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                    sb.append(twice ? ".*" : "[^/]*");
                    i += twice ? 1 : 0;
                } else {
                    sb.append(Pattern.quote(String.valueOf(c)));
                }
            }
            regex = Pattern.compile(sb.toString());
        }

        @Override
        boolean matches(String path) {
            return regex.matcher(path).matches();
        }
    }
}
