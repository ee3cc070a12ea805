package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * glibc's regcomp/regexec as bound here. Every row's answer was taken from a C program calling
 * regcomp(REG_EXTENDED | REG_NOSUB [| REG_ICASE]) and regexec on the same bytes without setlocale,
 * as inotifywait does (glibc 2.36): the rows check the binding (flags, bytes, the C locale), not glibc.
 */
class PosixRegexTest {
  static Stream<Arguments> rows() {
    return Stream.of(
        row("[[:digit:]]{2}\\.tmp$", false, "w/a12.tmp", true),
        row("[[:digit:]]{2}\\.tmp$", false, "w/a1.tmp", false),
        row("^w/skip", true, "W/SKIP/x", true),
        row("^w/skip", false, "W/SKIP/x", false),
        row("(^|/)[[:alpha:]]+\\.log$", false, "w/app.log", true),
        row("(^|/)[[:alpha:]]+\\.log$", false, "w/app2.log", false),
        row("\\.JPE?G$", true, "w/cat.jpeg", true),
        row("a|b", false, "xxbxx", true),
        row("(ab){2,}c", false, "ababc", true),
        row("(ab){2,}c", false, "abc", false),
        row("x{,2}y", false, "xxy", true),
        row("(a)\\1", false, "xaax", true),
        row("(a)\\1", false, "xabx", false),
        row("\\<foo\\>", false, "a foo b", true),
        row("\\<foo\\>", false, "afoob", false),
        row("\\bfoo\\b", false, "a foo b", true),
        row("\\Bfoo", false, "afoo", true),
        row("\\w+\\s\\W", false, "ab !", true),
        row("\\`abc", false, "abc", true),
        row("abc\\'", false, "abc", true),
        row("a+?", false, "a", true),
        row("[[=a=]]", false, "bab", true),
        row("[[.-.]]", false, "a-b", true),
        row("[]a]", false, "]", true),
        row("[^]a]", false, "a", false),
        // no REG_NEWLINE: '.' matches a newline
        row("a.b", false, "a\nb", true),
        // the C locale: one byte is one character, and bytes above 0x7f are no letters
        Arguments.of(bytes("^.$"), false, new byte[] {(byte) 0xc3, (byte) 0xa9}, false),
        Arguments.of(bytes("^..$"), false, new byte[] {(byte) 0xc3, (byte) 0xa9}, true),
        Arguments.of(bytes("[[:alpha:]]"), false, new byte[] {(byte) 0xc3, (byte) 0xa9}, false),
        Arguments.of(new byte[] {'[', (byte) 0xe0, '-', (byte) 0xff, ']'}, false, new byte[] {(byte) 0xe9}, true));
  }

  private static Arguments row(String ere, boolean icase, String subject, boolean matches) {
    return Arguments.of(bytes(ere), icase, bytes(subject), matches);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest
  @MethodSource("rows")
  void matchesAsGlibcDoesInTheCLocale(byte[] ere, boolean icase, byte[] subject, boolean matches) {
    assertThat(PosixRegex.compile(ere, icase).find(subject)).isEqualTo(matches);
  }

  /** What glibc's regcomp refuses (REG_EPAREN, REG_BADBR, REG_ERANGE, REG_EESCAPE, REG_ESIZE, REG_ECTYPE, REG_BADRPT, REG_EBRACE, REG_ECOLLATE). */
  @ParameterizedTest
  @ValueSource(strings = {"(", "a{2,1}", "[z-a]", "\\", "a{32768}", "[[:nope:]]", "*a", "a{1", "[[.hyphen.]]"})
  void refusesWhatGlibcRefuses(String ere) {
    assertThatThrownBy(() -> PosixRegex.compile(bytes(ere), false)).isInstanceOf(IllegalArgumentException.class);
  }

  /** And accepts what it accepts, however odd: a lone ')' and a repeated star. */
  @ParameterizedTest
  @ValueSource(strings = {")", "a**"})
  void acceptsWhatGlibcAccepts(String ere) {
    assertThat(PosixRegex.compile(bytes(ere), false).find(bytes("a)"))).isTrue();
  }

  @org.junit.jupiter.api.Test
  void aNulByteIsRefusedNotCut() {
    assertThatThrownBy(() -> PosixRegex.compile(new byte[] {'a', 0, 'b'}, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PosixRegex.compile(bytes("a"), false).find(new byte[] {'a', 0})).isInstanceOf(IllegalArgumentException.class);
  }
}
