package dev.gatehouse.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Sends the access log to a file instead of stdout: rotated at 100 MB, five old files kept
 * ({@code access.log.1} .. {@code access.log.5}), written by a background thread so requests never wait on disk.
 */
final class AccessLogFile {
    static final String MAX_FILE_SIZE = "100MB";
    static final int KEEP_FILES = 5;

    private AccessLogFile() {
    }

    /** Back to stdout (a reload dropped {@code access_log.file}), written by a background thread as at start. */
    static void installStdout() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setEncoder(lineEncoder(context));
        console.start();
        attachAsync(context, console);
    }

    static void install(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend: its own configuration decides
        }
        RollingFileAppender<ILoggingEvent> fileAppender = new RollingFileAppender<>();
        fileAppender.setContext(context);
        fileAppender.setFile(file.toString());
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(fileAppender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(KEEP_FILES);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf(MAX_FILE_SIZE));
        trigger.start();
        fileAppender.setRollingPolicy(rolling);
        fileAppender.setTriggeringPolicy(trigger);
        fileAppender.setEncoder(lineEncoder(context));
        fileAppender.start();
        attachAsync(context, fileAppender);
    }

    /** Each access log line as it is, nothing added. */
    private static PatternLayoutEncoder lineEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        return encoder;
    }

    /** Replaces the access logger's appenders by {@code target} behind a queue, so requests never wait on it. */
    private static void attachAsync(LoggerContext context, Appender<ILoggingEvent> target) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(target);
        async.start();

        Logger access = context.getLogger(AccessLogger.LOGGER_NAME);
        access.detachAndStopAllAppenders();
        access.setAdditive(false);
        access.addAppender(async);
    }
}
