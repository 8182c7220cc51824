package dev.gatehouse.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The latest distinct WARN and ERROR log events, for the dashboard and {@code GET /errors}: a logback appender on the
 * root logger with a bounded buffer, so an error storm costs a fixed amount of memory. An event that repeats an
 * earlier one (same level, logger and message) counts on that one and makes it the newest, so a storm of one error
 * does not push the others out. Attached while the admin listener runs. In a JVM with several servers (tests) each
 * sees every server's events.
 */
final class RecentErrors extends AppenderBase<ILoggingEvent> {
    /** Distinct events kept; the one seen least recently is dropped. */
    static final int CAPACITY = 100;

    /**
     * One distinct log event.
     *
     * @param time  when it was last seen
     * @param first when it was first seen
     * @param count how many times it was seen
     */
    record Event(Instant time, Instant first, String level, String logger, String message, long count) {
    }

    private record Key(String level, String logger, String message) {
    }

    /** In the order last seen, oldest first. */
    private final LinkedHashMap<Key, Event> events = new LinkedHashMap<>();
    private final int capacity;

    RecentErrors(int capacity) {
        this.capacity = capacity;
        setName("gatehouse-admin-recent-errors");
    }

    /** Starts recording; a no-op when logback is not the logging backend. */
    void attach() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            setContext(context);
            start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
        }
    }

    void detach() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        }
        stop();
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (!e.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        String logger = e.getLoggerName();
        Key key = new Key(e.getLevel().toString(), logger.substring(logger.lastIndexOf('.') + 1), message(e));
        Instant time = Instant.ofEpochMilli(e.getTimeStamp());
        synchronized (events) {
            Event seen = events.remove(key);
            events.put(key, seen == null ? new Event(time, time, key.level(), key.logger(), key.message(), 1)
                    : new Event(time, seen.first(), key.level(), key.logger(), key.message(), seen.count() + 1));
            if (events.size() > capacity) {
                events.remove(events.keySet().iterator().next());
            }
        }
    }

    private static String message(ILoggingEvent e) {
        IThrowableProxy t = e.getThrowableProxy();
        return t == null ? e.getFormattedMessage() : e.getFormattedMessage() + ": " + t.getClassName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Newest first, at most {@code limit}. */
    List<Event> recent(int limit) {
        List<Event> out = new ArrayList<>();
        synchronized (events) {
            List<Event> all = new ArrayList<>(events.values());
            for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
                out.add(all.get(i));
            }
        }
        return out;
    }
}
