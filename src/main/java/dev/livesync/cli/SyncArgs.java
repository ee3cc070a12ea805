package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigLoader;
import dev.livesync.ops.SyncSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code --config FILE | SOURCE TARGET... [--password-file F]}, shared by doctor and verify. */
final class SyncArgs {
  @Option(names = "--config", paramLabel = "FILE", description = "Config file (default: /etc/livesync/livesync.toml when no SOURCE TARGET is given and it exists).")
  Path config;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Password file for rsync daemon targets given on the command line (mode 0600).")
  Path passwordFile;

  @Parameters(paramLabel = "SOURCE TARGET", description = "A source directory, then its targets (as for 'run').")
  List<String> args = new ArrayList<>();

  /** The config to use, or null: --config, else the default file when no SOURCE TARGET is given and it exists. */
  Config loadConfig() {
    if (config != null) {
      if (!args.isEmpty()) throw new LivesyncException("give either --config FILE or SOURCE TARGET..., not both", 2);
      return ConfigLoader.load(config);
    }
    if (args.isEmpty() && Files.exists(Config.DEFAULT_PATH)) return ConfigLoader.load(Config.DEFAULT_PATH);
    return null;
  }

  List<SyncSet> syncs(Config c, boolean needTarget) {
    return c != null ? SyncSet.fromConfig(c) : SyncSet.fromArgs(args, passwordFile, needTarget);
  }
}
