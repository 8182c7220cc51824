package dev.gatehouse.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** RFC 9110 §5.6 building blocks: tokens, quoted strings, and comma-separated lists that respect quotes. */
final class Tokens {
    private Tokens() {
    }

    /** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
    static boolean isTchar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c < 128 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The index of the closing quote of the quoted string opening at {@code open}, or -1 when unterminated. */
    static int quotedEnd(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    /** The content of the quoted string between {@code open} and {@code close}, quoted-pairs resolved. */
    static String unquote(String s, int open, int close) {
        StringBuilder out = new StringBuilder(close - open);
        for (int i = open + 1; i < close; i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < close) {
                c = s.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The elements of a list-valued field (RFC 9110 §5.6.1), trimmed, empty ones dropped, commas in quotes kept. */
    static List<String> elements(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            int n = line.length();
            int start = 0;
            int i = 0;
            while (i <= n) {
                if (i == n || line.charAt(i) == ',') {
                    String e = line.substring(start, i).trim();
                    if (!e.isEmpty()) {
                        out.add(e);
                    }
                    start = i + 1;
                    i++;
                } else if (line.charAt(i) == '"') {
                    int close = quotedEnd(line, i);
                    i = close < 0 ? n : close + 1;
                } else {
                    i++;
                }
            }
        }
        return out;
    }

    /** Field names of a list field such as Vary or Connection, lower-cased. */
    static List<String> names(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String e : elements(lines)) {
            out.add(e.toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
