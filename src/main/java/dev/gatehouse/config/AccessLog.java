package dev.gatehouse.config;

import java.util.Optional;
import java.nio.file.Path;

/**
 * Access log, written {@code access_log: { format: json | common, file: PATH }}.
 *
 * @param format line format (default {@link Format#COMMON})
 * @param file   file to append to; empty means stdout
 * @param enabled false with {@code access_log: off}
 */
public record AccessLog(boolean enabled, Format format, Optional<Path> file) {
    public static final AccessLog DEFAULT = new AccessLog(true, Format.COMMON, Optional.empty());

    public enum Format { COMMON, JSON }
}
