package dev.gatehouse.certificates;

import java.util.List;
import java.util.Locale;

/** Host name matching as certificates do it (RFC 6125 section 6.4.3: a wildcard covers exactly one label). */
final class Names {
    private Names() {
    }

    /** Whether a certificate carrying {@code sans} is valid for {@code name}. */
    static boolean covers(List<String> sans, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (sans.contains(n)) {
            return true;
        }
        int dot = n.indexOf('.');
        return !n.startsWith("*.") && dot > 0 && sans.contains("*" + n.substring(dot));
    }
}
