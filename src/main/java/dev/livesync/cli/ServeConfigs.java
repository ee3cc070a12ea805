package dev.livesync.cli;

import dev.livesync.config.Config;
import dev.livesync.config.ConfigException;
import dev.livesync.config.ConfigLoader;
import dev.livesync.config.ServeConfig;
import dev.livesync.settings.Dirs;
import dev.livesync.server.ServeSpec;
import java.nio.file.Path;

/** Maps the config file's [serve] section to a {@link ServeSpec}. */
final class ServeConfigs {
  private ServeConfigs() {}

  static ServeSpec load(Path file, Path runtimeDir) {
    Config c = ConfigLoader.load(file);
    ServeConfig s = c.serve();
    if (s == null) {
      throw new ConfigException(file + " has no [serve] section: add one with [[serve.module]] entries (see docs/serve.md)");
    }
    Path dir = runtimeDir != null ? runtimeDir : Dirs.runtime().resolve("serve-" + s.port());
    return new ServeSpec(s.address(), s.port(), s.logFile(), dir, s.modules(), s.versions(), s.snapshots());
  }
}
