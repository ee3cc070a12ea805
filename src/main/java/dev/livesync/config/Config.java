package dev.livesync.config;

import dev.livesync.server.ServeSpec;
import dev.livesync.settings.SettingException;
import dev.livesync.sync.EngineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A whole livesync.toml, every value checked by the engine's own types. Build with
 * {@link ConfigLoader#load}. {@code stateDir} is the state root (each sync's journal is in
 * {@code stateDir/NAME}); {@code logFile}, {@code statusSocket} null: stderr and the default socket;
 * {@code serve} null when the file has no {@code [serve]} section; {@code monitor} holds
 * {@code [http]} and {@code [alert]} ({@link MonitorConfig#NONE} when neither is there).
 */
public record Config(
    Path file,
    Path stateDir,
    Path logFile,
    String logLevel,
    Path statusSocket,
    Duration stopTimeout,
    Integer maxTransfers,
    List<EngineSettings> syncs,
    ServeSpec serve,
    MonitorConfig monitor,
    Locator locator) {
  /** The config file {@code run}, {@code start}, {@code status}, {@code stop} and the service read when no other is named. */
  public static final String DEFAULT_FILE = "/etc/livesync/livesync.toml";
  public static final Path DEFAULT_PATH = Path.of(DEFAULT_FILE);

  /** Says where in the file a key is: {@code FILE:LINE:COL: sync[0].target[1].url: }. */
  public interface Locator {
    /** {@code e} as a config error, located at its sync/target and key. */
    ConfigException locate(SettingException e);
  }

  /** Where a running livesync of this file keeps its socket and state ({@link ConfigLoader#where}); each may be null. */
  public record Where(Path statusSocket, Path stateDir) {}

  public Config {
    syncs = List.copyOf(syncs);
  }

  public EngineSettings sync(String name) {
    return syncs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /** A problem found after loading (a check of the file system, of several syncs at once), located in the file. */
  public ConfigException locate(SettingException e) {
    return locator.locate(e);
  }
}
