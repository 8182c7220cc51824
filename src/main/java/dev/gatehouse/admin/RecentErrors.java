package dev.gatehouse.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last WARN and ERROR log events, for the dashboard and {@code GET /errors}: a logback appender on the root
 * logger with a bounded buffer, so an error storm costs a fixed amount of memory. Attached while the admin listener
 * runs. In a JVM with several servers (tests) each sees every server's events.
 */
final class RecentErrors extends AppenderBase<ILoggingEvent> {
    /** Events kept; older ones are dropped. */
    static final int CAPACITY = 100;

    /** One log event. */
    record Event(Instant time, String level, String logger, String message) {
    }

    private final Deque<Event> events = new ArrayDeque<>();
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
        Event event = new Event(Instant.ofEpochMilli(e.getTimeStamp()), e.getLevel().toString(),
                logger.substring(logger.lastIndexOf('.') + 1), message(e));
        synchronized (events) {
            if (events.size() == capacity) {
                events.removeFirst();
            }
            events.addLast(event);
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
            var it = events.descendingIterator();
            while (it.hasNext() && out.size() < limit) {
                out.add(it.next());
            }
        }
        return out;
    }
}
