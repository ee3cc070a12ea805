package dev.livesync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.settings.Durations;
import dev.livesync.settings.Sizes;
import dev.livesync.sync.DeletePolicy;
import dev.livesync.sync.EngineSettings;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  private static final Path FILE = Path.of("/etc/livesync/test.toml");

  private static Config parse(String text) {
    return ConfigLoader.parse(text, FILE);
  }

  static final String LOCAL_URL = "expected a local directory as an absolute path (starting with /): the config file's paths are not taken"
      + " from the current directory (under systemd that is /), and ~ is not expanded";

  private static final String MINIMAL = """
      [[sync]]
      source = "/data"
        [[sync.target]]
        url = "rsync://backup@127.0.0.1/mod"
      """;

  @Test
  void theAnnotatedExampleParses() {
    Config c = ConfigLoader.load(Path.of(System.getProperty("livesync.home", "."), "docs/livesync.example.toml"));
    assertThat(c.syncs()).hasSize(2);
    EngineSettings www = c.sync("www");
    assertThat(new String(www.source())).isEqualTo("/data/www");
    assertThat(www.delay()).isEqualTo(Duration.ofMillis(200));
    assertThat(www.maxBytes()).isEqualTo(64L << 20);
    assertThat(www.schedule()).isEqualTo(Duration.ofHours(6));
    assertThat(www.retryBase()).isEqualTo(Duration.ofSeconds(1));
    assertThat(www.retryCap()).isEqualTo(Duration.ofSeconds(60));
    assertThat(www.stateDir()).isEqualTo(Path.of("/var/lib/livesync/www"));
    assertThat(www.targets()).hasSize(2);
    assertThat(www.targets().get(0).target()).isEqualTo(new Target.Daemon("rsync_backup", "172.16.1.41", 873, "nfsbackup", "www"));
    assertThat(www.targets().get(0).options().bwlimit()).isEqualTo("10M");
    assertThat(www.targets().get(1).target()).isInstanceOf(Target.Ssh.class);
    assertThat(www.targets().get(1).options().extraArgs()).containsExactly("--numeric-ids", "-H");
    assertThat(c.sync("home").delete()).isEqualTo(DeletePolicy.STARTUP);
    assertThat(c.serve().modules()).hasSize(1);
    assertThat(c.serve().modules().getFirst().hostsAllow()).containsExactly("172.16.1.0/24");
    assertThat(c.monitor().listen()).isEqualTo("127.0.0.1:9123");
    assertThat(c.monitor().alertExec()).isEqualTo("/usr/local/bin/livesync-alert-mail");
    assertThat(c.monitor().alertLag()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void defaultsForEverythingOptional() {
    Config c = parse(MINIMAL);
    EngineSettings s = c.syncs().getFirst();
    assertThat(c.stateDir()).isEqualTo(dev.livesync.settings.Dirs.state());
    assertThat(c.logFile()).isNull();
    assertThat(c.logLevel()).isEqualTo("info");
    assertThat(c.statusSocket()).isNull();
    assertThat(c.stopTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.serve()).isNull();
    assertThat(s.name()).isEqualTo("data");
    assertThat(s.delay()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.workers()).isEqualTo(4);
    assertThat(s.delete()).isEqualTo(DeletePolicy.ALWAYS);
    assertThat(s.schedule()).isNull();
    assertThat(s.exec()).isNull();
    assertThat(s.excludes().patterns()).isEmpty();
    assertThat(s.retryCap()).isEqualTo(Duration.ofSeconds(60));
    TargetSpec t = s.targets().getFirst();
    assertThat(t.options().passwordFile()).isNull();
    assertThat(t.options().timeoutSeconds()).isEqualTo(120);
  }

  @Test
  void tomlSyntaxErrorsNameLineAndColumn() {
    assertThatThrownBy(() -> parse("state_dir = \"/x\"\nlog_level = \n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/etc/livesync/test.toml:2:")
        .hasMessageContaining("invalid TOML");
  }

  @Test
  void unknownKeyInTheSecondTargetPointsAtItWithASuggestion() {
    String text = """
        [[sync]]
        source = "/data"
          [[sync.target]]
          url = "/mnt/a"
          [[sync.target]]
          url = "/mnt/b"
          bwlimt = 100
        """;
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/etc/livesync/test.toml:7:3: sync[0].target[1].unknown key 'bwlimt' in [[sync.target]]; did you mean 'bwlimit'?")
        .hasMessageContaining("known keys: bwlimit, checksum, compress");
  }

  @Test
  void unknownTopLevelKeyAndUnknownInlineTableKey() {
    assertThatThrownBy(() -> parse("log_levle = \"info\"\n" + MINIMAL))
        .hasMessageStartingWith("/etc/livesync/test.toml:1:1: unknown key 'log_levle' in the top level; did you mean 'log_level'?");
    assertThatThrownBy(() -> parse(MINIMAL.replace("source = \"/data\"", "source = \"/data\"\nretry = { initial = \"1s\", maxx = \"9s\" }")))
        .hasMessageStartingWith("/etc/livesync/test.toml:3:27: sync[0].retry.unknown key 'maxx' in [sync.retry]; did you mean 'max'?");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "workers = \"4\"|2:1: sync[0].workers: expected a whole number, got the string \"4\"",
      "workers = 0|2:1: sync[0].workers: expected a whole number from 1 to 64",
      "delay = 200|2:1: sync[0].delay: expected a duration string such as \"200ms\"",
      "delay = \"200 msec\"|2:1: sync[0].delay: expected a duration from 0ms to 1h, such as",
      "delete = \"sometimes\"|2:1: sync[0].delete: expected one of always, startup, running, never",
      "exclude = \"*.tmp\"|2:1: sync[0].exclude: expected an array of strings",
      "exclude = [\"a\", 3]|2:1: sync[0].exclude[1]: expected a string, got the integer 3",
      "exclude = [\"a\", \"\"]|2:1: sync[0].exclude[1]: expected a non-empty rsync exclude pattern",
      "batch_max_bytes = \"lots\"|2:1: sync[0].batch_max_bytes: expected a size from 1 to 1TiB",
      "schedule = \"0s\"|2:1: sync[0].schedule: expected a duration from 1s to 365d",
      "retry = { initial = \"10s\", max = \"1s\" }|2:28: sync[0].retry.max: expected at least retry.initial (10s)",
      "name = \"my sync\"|2:1: sync[0].name: expected letters, digits"})
  void wrongTypesAndValuesNameTheKeyAndWhatWasExpected(String line, String expected) {
    String text = "[[sync]]\n" + line + "\nsource = \"/data\"\n  [[sync.target]]\n  url = \"/mnt/b\"\n";
    assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class).hasMessageStartingWith("/etc/livesync/test.toml:" + expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "url = \"rsync://host\"|5:3: sync[0].target[0].url: missing module name after the host; expected rsync://",
      "url = \"/mnt/x\"\\n  password_file = \"/etc/pw\"|6:3: sync[0].target[0].password_file: only rsync daemon targets",
      "url = \"h::m\"\\n  ssh_port = 22|6:3: sync[0].target[0].ssh_port: only ssh targets",
      "url = \"h::m\"\\n  extra_args = [\"-avz\", \"--delete\"]|6:3: sync[0].target[0].extra_args[1]: rsync option '--delete' is not allowed: deletion is the engine's job (the delete policy)",
      "url = \"h::m\"\\n  bwlimit = true|6:3: sync[0].target[0].bwlimit: expected a rate as rsync --bwlimit takes it",
      "url = \"h::m\"\\n  password_file = \"etc/pw\"|6:3: sync[0].target[0].password_file: expected an absolute path",
      "compress = true|4:3: [[sync.target]] is missing required key 'url'",
      // a local directory is absolute in the file: under systemd a relative one would be below /, and ~ a directory named ~
      "url = \"backup\"|5:3: sync[0].target[0].url: " + LOCAL_URL,
      "url = \"./backup/www\"|5:3: sync[0].target[0].url: " + LOCAL_URL,
      "url = \"~/backup\"|5:3: sync[0].target[0].url: " + LOCAL_URL,
      "url = \"~\"|5:3: sync[0].target[0].url: " + LOCAL_URL})
  void targetErrors(String lines, String expected) {
    String text = "[[sync]]\nsource = \"/data\"\n\n  [[sync.target]]\n  " + lines.replace("\\n", "\n") + "\n";
    assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class).hasMessageStartingWith("/etc/livesync/test.toml:" + expected);
  }

  @Test
  void missingRequiredFieldsPointAtTheirTable() {
    assertThatThrownBy(() -> parse("log_level = \"info\"\n\n[[sync]]\nname = \"x\"\n  [[sync.target]]\n  url = \"/mnt\"\n"))
        .hasMessageStartingWith("/etc/livesync/test.toml:3:1: [[sync]] is missing required key 'source'");
    assertThatThrownBy(() -> parse("[[sync]]\nsource = \"/data\"\n"))
        .hasMessageStartingWith("/etc/livesync/test.toml:1:1: [[sync]] is missing required key 'target'");
    assertThatThrownBy(() -> parse("log_level = \"info\"\n"))
        .hasMessageContaining("nothing to do: expected at least one [[sync]] section (for run) or a [serve] section (for serve)");
    assertThatThrownBy(() -> parse(MINIMAL + MINIMAL))
        .hasMessageStartingWith("/etc/livesync/test.toml:5:1: sync[1].name: another [[sync]] is already named \"data\"");
  }

  @Test
  void serveModules() {
    Config c = parse("""
        [serve]
        port = 8873
          [[serve.module]]
          name = "open"
          path = "/backup/open"
          [[serve.module]]
          name = "secure"
          path = "/backup/secure"
          user = "rsync_backup"
          password_file = "/etc/livesync/secure.password"
          max_connections = 5
        """);
    assertThat(c.syncs()).isEmpty();
    assertThat(c.serve().port()).isEqualTo(8873);
    assertThat(c.serve().modules()).extracting(dev.livesync.server.ServeModule::name).containsExactly("open", "secure");
    dev.livesync.server.ServeModule open = c.serve().modules().getFirst();
    assertThat(open.user()).isNull();
    assertThat(open.readOnly()).isFalse();
    assertThat(open.uid()).as("the path's owner, as serve --module without --uid").isNull();
    assertThatThrownBy(() -> parse("[serve]\n  [[serve.module]]\n  name = \"m\"\n  path = \"/b\"\n  user = \"u\"\n"))
        .hasMessageStartingWith("/etc/livesync/test.toml:2:3: [[serve.module]] is missing required key 'password_file'");
    assertThatThrownBy(() -> parse("[serve]\nport = 70000\n  [[serve.module]]\n  name = \"m\"\n  path = \"/b\"\n"))
        .hasMessageStartingWith("/etc/livesync/test.toml:2:1: serve.port: expected a whole number from 1 to 65535, got 70000");
    assertThatThrownBy(() -> parse("[serve]\nport = 873\n"))
        .hasMessageStartingWith("/etc/livesync/test.toml:1:1: [serve] is missing required key 'module'");
  }

  @Test
  void missingFileNamesThePath() {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/livesync.toml")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file /nonexistent/livesync.toml does not exist");
  }

  @Test
  void durationsAndSizes() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("5")).isNull();
    assertThat(Durations.format(Duration.ofMillis(200))).isEqualTo("200ms");
    assertThat(Sizes.parse("64MiB")).isEqualTo(64L << 20);
    assertThat(Sizes.parse("512K")).isEqualTo(512L << 10);
    assertThat(Sizes.parse("10MB")).isEqualTo(10_000_000L);
    assertThat(Sizes.parse("12")).isEqualTo(12L);
    assertThat(Sizes.parse("ten")).isNull();
    assertThat(Sizes.parse("1T")).isEqualTo(1L << 40);
    assertThat(Sizes.parse("2GB")).isEqualTo(2_000_000_000L);
    // only the documented forms: no bits-looking or lower-case units, no fractions, no unit without a number's multiplier
    // as since the first release: the unit's letter in either case, a space before it, a fraction rounded, a bare B
    assertThat(Sizes.parse("64m")).isEqualTo(64L << 20);
    assertThat(Sizes.parse("64 MiB")).isEqualTo(64L << 20);
    assertThat(Sizes.parse("1.5M")).isEqualTo(3L << 19);
    assertThat(Sizes.parse("12B")).isEqualTo(12L);
    // a lower-case b reads as bits to many (64Mb = 8 MB): refused, not taken as bytes; nor what a long cannot hold
    for (String refused : new String[] {"64Mb", "64mb", "64mib", "1Kb", "12b", "99999999999999999999", "9999999T"}) {
      assertThat(Sizes.parse(refused)).as(refused).isNull();
    }
  }
}
