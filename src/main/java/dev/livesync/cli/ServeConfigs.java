package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.server.ServeSpec;
import java.nio.file.Path;

/** Maps the config file's [serve] section to a {@link ServeSpec}. */
final class ServeConfigs {
  private ServeConfigs() {}

  static ServeSpec load(Path file, Path runtimeDir) {
    throw new LivesyncException("serve --config is not available yet: use the command-line options", 2);
  }
}
