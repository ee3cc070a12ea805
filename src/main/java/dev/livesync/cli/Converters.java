package dev.livesync.cli;

import dev.livesync.settings.Durations;
import dev.livesync.settings.Rule;
import dev.livesync.settings.Sizes;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations ({@code 30s}, {@code 1h30m}) and sizes ({@code 64MiB}) on the command line, read as the
 * config file reads them. A flag that names a setting is then checked by that setting's rule; a
 * value that does not parse is reported by {@link CliErrors} with the setting's own words.
 */
final class Converters {
  private Converters() {}

  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d = Durations.parse(value);
      if (d == null) throw new TypeConversionException("expected a duration such as " + Rule.EXAMPLES);
      return d;
    }
  }

  static final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      Long n = Sizes.parse(value);
      if (n == null) throw new TypeConversionException("expected a size such as 64MiB, 512K, 1G"); // keyed flags say their Key's rule
      return n;
    }
  }
}
