package dev.gatehouse.cache;

import io.netty.handler.codec.DateFormatter;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Locale;

/**
 * HTTP-date (RFC 9110 §5.6.7), parsed strictly: IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}) and the two
 * obsolete forms every recipient must accept, rfc850-date ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime
 * ({@code Sun Nov  6 08:49:37 1994}). Names are matched without regard to case; anything else (a missing comma,
 * doubled spaces, {@code UTC}, a one-digit hour, a two-digit year in IMF-fixdate) is not a date, which for
 * {@code Expires} means "already expired" (RFC 9111 §5.3).
 */
public final class HttpDates {
    /** Returned for text that is not an HTTP-date. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    private static final String[] LONG_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday"};
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
        "nov", "dec"};

    private HttpDates() {
    }

    /** Milliseconds since the epoch, or {@link #INVALID}. */
    public static long parse(String text) {
        if (text == null) {
            return INVALID;
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        int comma = s.indexOf(',');
        if (comma == 3 && contains(DAYS, s.substring(0, 3))) {
            return imfFixdate(s);
        }
        if (comma > 3 && contains(LONG_DAYS, s.substring(0, comma))) {
            return rfc850(s, comma);
        }
        if (comma < 0 && s.length() == 24 && s.charAt(3) == ' ' && contains(DAYS, s.substring(0, 3))) {
            return asctime(s);
        }
        return INVALID;
    }

    public static String format(long millis) {
        return DateFormatter.format(new Date(millis));
    }

    /** {@code sun, 06 nov 1994 08:49:37 gmt} */
    private static long imfFixdate(String s) {
        if (s.length() != 29 || s.charAt(4) != ' ' || s.charAt(7) != ' ' || s.charAt(11) != ' '
                || s.charAt(16) != ' ' || !s.endsWith(" gmt")) {
            return INVALID;
        }
        int day = digits(s, 5, 2);
        int month = month(s.substring(8, 11));
        int year = digits(s, 12, 4);
        return at(year, month, day, s, 17);
    }

    /** {@code sunday, 06-nov-94 08:49:37 gmt} */
    private static long rfc850(String s, int comma) {
        int d = comma + 2;
        if (s.length() != d + 22 || s.charAt(comma + 1) != ' ' || s.charAt(d + 2) != '-' || s.charAt(d + 6) != '-'
                || s.charAt(d + 9) != ' ' || !s.endsWith(" gmt")) {
            return INVALID;
        }
        int day = digits(s, d, 2);
        int month = month(s.substring(d + 3, d + 6));
        int yy = digits(s, d + 7, 2);
        if (yy < 0) {
            return INVALID;
        }
        // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
        int thisYear = LocalDate.now(ZoneOffset.UTC).getYear();
        int year = (thisYear / 100) * 100 + yy;
        if (year > thisYear + 50) {
            year -= 100;
        }
        return at(year, month, day, s, d + 10);
    }

    /** {@code sun nov  6 08:49:37 1994} */
    private static long asctime(String s) {
        if (s.charAt(7) != ' ' || s.charAt(10) != ' ' || s.charAt(19) != ' ') {
            return INVALID;
        }
        int month = month(s.substring(4, 7));
        int day = s.charAt(8) == ' ' ? digits(s, 9, 1) : digits(s, 8, 2);
        int year = digits(s, 20, 4);
        return at(year, month, day, s, 11);
    }

    /** Combines the parts with the {@code hh:mm:ss} at {@code t}. */
    private static long at(int year, int month, int day, String s, int t) {
        if (s.charAt(t + 2) != ':' || s.charAt(t + 5) != ':') {
            return INVALID;
        }
        int h = digits(s, t, 2);
        int m = digits(s, t + 3, 2);
        int sec = digits(s, t + 6, 2);
        if (year < 0 || month < 0 || day < 1 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) {
            return INVALID;
        }
        try {
            long epochDay = LocalDate.of(year, month + 1, day).toEpochDay();
            return ((epochDay * 24 + h) * 60 + m) * 60_000L + Math.min(sec, 59) * 1000L;
        } catch (DateTimeException e) {
            return INVALID; // 30 February and the like
        }
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int month(String name) {
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(String[] names, String name) {
        for (String n : names) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
