package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * glibc's strftime of localtime_r as bound here, in the C locale. The expected texts come from
 * java.time in the JVM's default zone, which reads TZ and /etc/localtime as glibc does.
 */
class StrftimeTest {
  /** Tuesday 2023-11-14 22:13:20 UTC. */
  private static final long T = 1_700_000_000L;
  private static final ZonedDateTime LOCAL = Instant.ofEpochSecond(T).atZone(ZoneId.systemDefault());

  private static String format(String fmt) {
    return new String(new Strftime(fmt.getBytes(StandardCharsets.ISO_8859_1)).format(T), StandardCharsets.ISO_8859_1);
  }

  private static String java(String pattern) {
    return LOCAL.format(DateTimeFormatter.ofPattern(pattern, Locale.US));
  }

  @Test
  void theLocalTimeAsGlibcWritesIt() {
    assertThat(format("%F %T")).isEqualTo(java("yyyy-MM-dd HH:mm:ss"));
    assertThat(format("%Y%m%d|%H%M%S|%j|%y|%C")).isEqualTo(java("yyyyMMdd|HHmmss|DDD|yy|") + LOCAL.getYear() / 100);
    assertThat(format("%z")).isEqualTo(java("xx"));
    assertThat(format("%s")).isEqualTo("1700000000");
  }

  @Test
  void namesAndTheDateAndTimeAreTheCLocales() {
    assertThat(format("%a %A %b %B %p")).isEqualTo(java("EEE EEEE MMM MMMM a"));
    // %c in "C" is "%a %b %e %H:%M:%S %Y"; a UTF-8 locale such as en_US writes it otherwise
    assertThat(format("%c")).isEqualTo(java("EEE MMM ppd HH:mm:ss yyyy"));
  }

  @Test
  void glibcsFlagsWidthsAndUnknownConversions() {
    assertThat(format("%-d|%_H|%^a|%10Y|%%|%Q")).isEqualTo(LOCAL.getDayOfMonth() + "|" + java("ppH") + "|"
        + java("EEE").toUpperCase(Locale.ROOT) + "|000000" + LOCAL.getYear() + "|%|%Q");
  }

  @Test
  void nothingWhereStrftimeWritesNothingOrTooMuch() {
    assertThat(format("")).isEmpty();
    assertThat(format("x".repeat(4094))).isEqualTo("x".repeat(4094));
    assertThat(format("x".repeat(4095))).as("4,095 bytes and the NUL do not fit inotifytools' 4,095").isEmpty();
  }
}
