package dev.livesync.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Mistakes a sysadmin makes in the file, each said in one line at the right place, naming what is
 * wrong: a misspelt table, a target written as a plain list, a key set twice, a list of rsync options
 * written as one string.
 */
class ConfigMistakesTest {
  private static final Path FILE = Path.of("/etc/livesync/test.toml");

  private static Config parse(String text) {
    return ConfigLoader.parse(text, FILE);
  }

  /** It was "[[sync]] is missing required key 'target'", which hides the typo that caused it. */
  @Test
  void aMisspeltTargetTableIsAnUnknownKeyWithTheRightOneSuggested() {
    assertThatThrownBy(() -> parse("""
        [[sync]]
        source = "/data"
          [[sync.targets]]
          url = "/mnt/a"
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/etc/livesync/test.toml:3:3: sync[0].unknown key 'targets' in [[sync]]; did you mean 'target'?");
    assertThatThrownBy(() -> parse("""
        [[sync]]
        source = "/data"
        [[target]]
        url = "/mnt/a"
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/etc/livesync/test.toml:3:1: unknown key 'target' in the top level");
  }

  /** It said "sync[0].sync[0].target[0]": the table's path twice. */
  @Test
  void aTargetWrittenAsAListOfStringsNamesItsElementOnce() {
    assertThatThrownBy(() -> parse("""
        [[sync]]
        source = "/data"
        target = ["/mnt/a"]
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/etc/livesync/test.toml:3:1: sync[0].target[0]: expected a table written as [[sync.target]], got the string \"/mnt/a\"");
  }

  /** It was "invalid TOML: Duplicate key", on the line after the duplicate, naming no key. */
  @Test
  void aKeySetTwiceIsNamedWithBothLines() {
    assertThatThrownBy(() -> parse("""
        state_dir = "/var/lib/a"
        state_dir = "/var/lib/b"
        [[sync]]
        source = "/data"
          [[sync.target]]
          url = "/mnt/a"
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/etc/livesync/test.toml:2:1: state_dir: set twice (first on line 1); a key may appear once in its table");
    assertThatThrownBy(() -> parse("""
        [[sync]]
        source = "/data"
        name = "a"
        delay = "1s"
        name = "b"
          [[sync.target]]
          url = "/mnt/a"
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/etc/livesync/test.toml:5:1: sync[0].name: set twice (first on line 3); a key may appear once in its table");
  }

  /** extra_args given as one string was told to look like ["*.tmp", "cache/"]: exclude patterns, not rsync options. */
  @Test
  void extraArgsAsAStringIsShownAListOfRsyncOptions() {
    assertThatThrownBy(() -> parse("""
        [[sync]]
        source = "/data"
          [[sync.target]]
          url = "/mnt/a"
          extra_args = "--numeric-ids"
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/etc/livesync/test.toml:5:3: sync[0].target[0].extra_args: expected an array of strings such as [\"--numeric-ids\", \"-H\"],"
            + " got the string \"--numeric-ids\"");
  }
}
