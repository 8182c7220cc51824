package dev.gatehouse.http;

import java.util.ArrayList;
import java.util.List;

/** Reads the {@code for=} parameters of RFC 7239 {@code Forwarded} header values, in order. */
final class ForwardedHeader {
    private ForwardedHeader() {
    }

    /**
     * The {@code for} node of every forwarded-element, left to right, unquoted. An element without {@code for} gives
     * an empty node (which ends a walk: that hop cannot be known).
     */
    static List<String> forValues(List<String> headerValues) {
        List<String> out = new ArrayList<>();
        for (String value : headerValues) {
            parse(value, out);
        }
        return out;
    }

    /** forwarded-element *( "," forwarded-element ), each {@code pair *( ";" pair )}, quoted strings honoured. */
    private static void parse(String v, List<String> out) {
        int i = 0;
        int n = v.length();
        String forNode = null;
        boolean elementHasPairs = false;
        while (i <= n) {
            // one pair: name "=" (token | quoted-string)
            while (i < n && (v.charAt(i) == ' ' || v.charAt(i) == '\t')) {
                i++;
            }
            int nameStart = i;
            while (i < n && v.charAt(i) != '=' && v.charAt(i) != ';' && v.charAt(i) != ',') {
                i++;
            }
            String name = v.substring(nameStart, i).trim();
            String value = "";
            if (i < n && v.charAt(i) == '=') {
                i++;
                StringBuilder sb = new StringBuilder();
                if (i < n && v.charAt(i) == '"') {
                    i++;
                    while (i < n && v.charAt(i) != '"') {
                        if (v.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        sb.append(v.charAt(i++));
                    }
                    i++; // closing quote
                    while (i < n && v.charAt(i) != ';' && v.charAt(i) != ',') {
                        i++;
                    }
                } else {
                    while (i < n && v.charAt(i) != ';' && v.charAt(i) != ',') {
                        sb.append(v.charAt(i++));
                    }
                }
                value = sb.toString().trim();
            }
            if (!name.isEmpty()) {
                elementHasPairs = true;
                if (name.equalsIgnoreCase("for") && forNode == null) {
                    forNode = value;
                }
            }
            if (i >= n || v.charAt(i) == ',') {
                if (elementHasPairs) {
                    out.add(forNode == null ? "" : forNode);
                }
                forNode = null;
                elementHasPairs = false;
                if (i >= n) {
                    break;
                }
            }
            i++; // past ';' or ','
        }
    }
}
