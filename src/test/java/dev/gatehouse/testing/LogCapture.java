package dev.gatehouse.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Collects the messages of one logger (and its children), e.g. {@code "gatehouse.access"} or {@code "dev.gatehouse"};
 * {@code "ROOT"} for every logger.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> traced = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getLevel() + " " + event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                traced.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage() + " ["
                        + event.getThrowableProxy().getClassName() + "]");
            }
        }
    };

    private LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The events logged with a stack trace: level, logger, message and the exception's class. */
    public List<String> withStackTraces() {
        return List.copyOf(traced);
    }

    /** Waits up to {@code timeout} for a line matching {@code test} (logging can be asynchronous); null when none came. */
    public String await(Predicate<String> test, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (String line : lines) {
                if (test.test(line)) {
                    return line;
                }
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return null;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
