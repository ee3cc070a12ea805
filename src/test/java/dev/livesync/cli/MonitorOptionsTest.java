package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigException;
import dev.livesync.config.ConfigLoader;
import dev.livesync.testing.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every --http/--alert rule through the flag and through its config key: the same refusal, exit 2 and 78. */
class MonitorOptionsTest {
  private static final String SYNC = "[[sync]]\nsource = \"/data\"\n  [[sync.target]]\n  url = \"/mnt/b\"\n";
  private final Path dir = TempFiles.dir("monitor-options");

  @AfterEach
  void cleanUp() {
    TempFiles.deleteTree(dir);
  }

  private static Config config(String toml) {
    return ConfigLoader.parse(SYNC + toml, Path.of("/etc/livesync/test.toml"));
  }

  private Path token(String text, String mode) throws Exception {
    Path f = dir.resolve("token-" + mode);
    Files.writeString(f, text + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.0.0.0:9123 | listens beyond this host: give ",
      "abc | : expected ADDR:PORT (e.g. 127.0.0.1:9123",
      "127.0.0.1:70000 | : the port must be from 1 to 65535",
      "::1:9123 | : write an IPv6 address in brackets"})
  void listenRulesAreTheSameForTheFlagAndTheKey(String listen, String message) {
    var flag = new MonitorOptions();
    flag.web.http = listen;
    assertThatThrownBy(() -> flag.httpSettings(null)).isInstanceOf(LivesyncException.class)
        .hasMessageStartingWith("--http " + listen).hasMessageContaining(message)
        .satisfies(e -> assertThat(((LivesyncException) e).exitCode()).isEqualTo(2));
    assertThatThrownBy(() -> new MonitorOptions().httpSettings(config("[http]\nlisten = \"" + listen + "\"\n")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/etc/livesync/test.toml:6:1: http.listen")
        .hasMessageContaining(message);
  }

  /** A bare port is taken by --http 9123; the key takes it too, written as a TOML integer, with the same range rule. */
  @Test
  void aBarePortIsAnIntegerInTheConfig() {
    assertThat(new MonitorOptions().httpSettings(config("[http]\nlisten = 9123\n")).listen().getPort()).isEqualTo(9123);
    var flag = new MonitorOptions();
    flag.web.http = "70000";
    assertThatThrownBy(() -> flag.httpSettings(null)).hasMessage("--http 70000: the port must be from 1 to 65535");
    assertThatThrownBy(() -> new MonitorOptions().httpSettings(config("[http]\nlisten = 70000\n"))).isInstanceOf(ConfigException.class)
        .hasMessage("/etc/livesync/test.toml:6:1: http.listen: the port must be from 1 to 65535");
    assertThatThrownBy(() -> config("[http]\nlisten = 9123.5\n")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/etc/livesync/test.toml:6:1: http.listen: expected a string");
  }

  @Test
  void tokenRulesAreTheSameForTheFlagAndTheKey() throws Exception {
    for (Path t : new Path[] {token("0123456789abcdefXYZ", "rw-r--r--"), token("short", "rw-------")}) {
      var flag = new MonitorOptions();
      flag.web.http = "0.0.0.0:9123";
      flag.web.httpToken = t;
      String fromFlag = catchMessage(() -> flag.httpSettings(null));
      String fromKey = catchMessage(() -> new MonitorOptions().httpSettings(config("[http]\nlisten = \"0.0.0.0:9123\"\ntoken_file = \"" + t + "\"\n")));
      assertThat(fromKey).endsWith(fromFlag.replace("--http-token " + t, "http.token_file"));
    }
    var ok = new MonitorOptions();
    ok.web.http = "0.0.0.0:9123";
    ok.web.httpToken = token("0123456789abcdefXYZ", "rw-------");
    assertThat(ok.httpSettings(null).token()).isEqualTo("0123456789abcdefXYZ");
  }

  @Test
  void alertRulesAreTheSameForTheFlagsAndTheKeys() {
    for (String[] row : new String[][] {{"exec", "\"\"", "alertExec", "", "expected a command, got an empty string"},
        {"lag", "\"0ms\"", "alertLag", "0ms", "expected a duration from 1ms to 365d, such as 200ms, 30s, 5m, 1h (units ms, s, m, h, d)"},
        {"after", "\"400d\"", "alertAfter", "400d", "expected a duration from 0ms to 365d, such as 200ms, 30s, 5m, 1h (units ms, s, m, h, d)"}}) {
      var flag = new MonitorOptions();
      flag.alertExec = row[2].equals("alertExec") ? row[3] : "true";
      if (row[2].equals("alertLag")) flag.alertLag = dev.livesync.settings.Durations.parse(row[3]);
      if (row[2].equals("alertAfter")) flag.alertAfter = dev.livesync.settings.Durations.parse(row[3]);
      // named as every setting is: the flag with its value, the config's table.key
      assertThatThrownBy(() -> flag.alertSettings(null)).hasMessage("--alert-" + row[0] + (row[3].isEmpty() ? "" : " " + row[3]) + ": " + row[4])
          .satisfies(e -> assertThat(((LivesyncException) e).exitCode()).isEqualTo(2));
      String toml = "[alert]\n" + (row[0].equals("exec") ? "" : "exec = \"true\"\n") + row[0] + " = " + row[1] + "\n";
      assertThatThrownBy(() -> new MonitorOptions().alertSettings(config(toml))).isInstanceOf(ConfigException.class)
          .hasMessageEndingWith(": alert." + row[0] + ": " + row[4]);
    }
  }

  /** A value that is no duration at all: the range is said too, for the key as for the flag, as the [[sync]] keys say theirs. */
  @Test
  void anAlertDurationThatDoesNotParseNamesItsRange() {
    String range = "expected a duration from 1ms to 365d, such as 200ms, 30s, 5m, 1h (units ms, s, m, h, d)";
    assertThatThrownBy(() -> config("[alert]\nexec = \"true\"\nlag = \"1\"\n")).isInstanceOf(ConfigException.class)
        .hasMessage("/etc/livesync/test.toml:7:1: alert.lag: " + range);
    java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new java.io.PrintWriter(out));
    cl.setErr(new java.io.PrintWriter(err));
    cl.execute("run", "--check", dir.toString(), dir.resolve("dst").toString(), "--alert-exec", "true", "--alert-lag", "1");
    assertThat(err.toString()).startsWith("livesync run: --alert-lag 1: " + range + "\n");
  }

  @Test
  void flagsWinOverKeysAndDefaultsApply() {
    Config c = config("[http]\nlisten = \"9123\"\n[alert]\nexec = \"mail root\"\nlag = \"10s\"\n");
    var none = new MonitorOptions();
    assertThat(none.httpSettings(c).listen().getPort()).isEqualTo(9123);
    var a = none.alertSettings(c);
    assertThat(a.command()).isEqualTo("mail root");
    assertThat(a.lag()).isEqualTo(Duration.ofSeconds(10));
    assertThat(a.after()).isEqualTo(Duration.ofSeconds(60));
    var flags = new MonitorOptions();
    flags.web.http = "9200";
    flags.alertLag = Duration.ofSeconds(5);
    assertThat(flags.httpSettings(c).listen().getPort()).isEqualTo(9200);
    assertThat(flags.alertSettings(c).lag()).isEqualTo(Duration.ofSeconds(5));
    assertThat(new MonitorOptions().httpSettings(config(""))).isNull();
    assertThat(new MonitorOptions().alertSettings(null)).isNull();
  }

  private static String catchMessage(Runnable r) {
    try {
      r.run();
    } catch (LivesyncException e) {
      return e.getMessage();
    }
    throw new AssertionError("not refused");
  }
  /** run --help names every condition --alert-exec raises (docs/operations.md's table): it named three of six. */
  @Test
  void theHelpOfAlertExecNamesEveryCondition() {
    var help = CliRun.inProcess("run", "--help");
    String text = help.out().replaceAll("\\s+", " ");
    String alertExec = text.substring(text.lastIndexOf("--alert-exec=COMMAND"), text.lastIndexOf("--alert-after=DURATION"));
    assertThat(alertExec).contains("a sync failed", "a target failing longer than --alert-after", "lag above --alert-lag", "watches run out",
        "deletions held", "standing warning");
  }
}
