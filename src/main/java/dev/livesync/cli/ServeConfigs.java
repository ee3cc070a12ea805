package dev.livesync.cli;

import dev.livesync.config.Config;
import dev.livesync.config.ConfigException;
import dev.livesync.config.ConfigLoader;
import dev.livesync.settings.Dirs;
import dev.livesync.server.ServeSpec;
import java.nio.file.Path;

/** The config file's [serve] section as serve runs it. */
final class ServeConfigs {
  private ServeConfigs() {}

  static ServeSpec load(Path file, Path runtimeDir) {
    Config c = ConfigLoader.load(file);
    ServeSpec s = c.serve();
    if (s == null) {
      throw new ConfigException(file + " has no [serve] section: add one with [[serve.module]] entries (see docs/serve.md)");
    }
    return new ServeSpec(s.address(), s.port(), s.logFile(), runtimeDir(runtimeDir, s.port()), s.modules(), s.versions(), s.snapshots());
  }

  /** Where serve on {@code port} writes rsyncd.conf and the secrets: {@code given} (--runtime-dir), else {@code <runtime>/serve-PORT}. */
  static Path runtimeDir(Path given, int port) {
    return given != null ? given : Dirs.runtime().resolve("serve-" + port);
  }
}
