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
}
