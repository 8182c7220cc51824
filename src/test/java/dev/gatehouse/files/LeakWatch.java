package dev.gatehouse.files;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails the test class when Netty's leak detector reports a ByteBuf that was never released.
 * The detector only logs, and only notices a leak once the buffer is garbage collected and another
 * buffer is allocated, so after the tests this forces a few GC-and-allocate rounds.
 */
final class LeakWatch implements BeforeAllCallback, AfterAllCallback {

    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getFormattedMessage().contains("LEAK")) {
                leaks.add(event.getFormattedMessage());
            }
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        assertThat(ResourceLeakDetector.getLevel())
                .as("tests must run with -Dio.netty.leakDetection.level=paranoid (see pom.xml)")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
        appender.start();
        detectorLogger().addAppender(appender);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        try {
            for (int round = 0; round < 5 && leaks.isEmpty(); round++) {
                System.gc();
                Thread.sleep(50);
                for (int i = 0; i < 100; i++) {
                    ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
                    probe.release();
                }
            }
            assertThat(leaks).as("ByteBuf leaks reported by Netty").isEmpty();
        } finally {
            detectorLogger().detachAppender(appender);
        }
    }

    private static Logger detectorLogger() {
        return (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    }
}
