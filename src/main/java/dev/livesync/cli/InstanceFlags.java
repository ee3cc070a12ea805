package dev.livesync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livesync.Exit;
import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigLoader;
import dev.livesync.ops.ServiceFiles;
import dev.livesync.ops.StatusClient;
import dev.livesync.ops.StatusServer;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Which running livesync {@code status} and {@code stop} talk to, chosen as {@code run} was started:
 * {@code --status-socket PATH}, else {@code --config FILE}'s status_socket, else the default config's
 * (when it exists and sets one), else the runtime dir's livesync.sock; and optionally one sync of it
 * by {@code NAME}.
 */
final class InstanceFlags {
  @Parameters(arity = "0..1", paramLabel = "NAME", description = "A sync's name (run's --name or the config's name): status shows only that sync; stop checks the livesync runs it, then stops all of its syncs.")
  String name;

  @Option(names = "--status-socket", paramLabel = "PATH", description = "The socket the livesync was started with (run --status-socket; default: the config's status_socket, else the runtime dir's livesync.sock).")
  Path statusSocket;

  @Option(names = "--config", paramLabel = "FILE", description = "The config file the livesync was started with: its status_socket and state_dir (default: " + Config.DEFAULT_FILE + " when it exists).")
  Path config;

  private Config loaded;

  /** The config that names the instance: --config, else the default file when it exists and no socket is given. */
  private Config config() {
    if (loaded != null) return loaded;
    if (config != null) {
      loaded = ConfigLoader.load(config);
    } else if (statusSocket == null && Files.exists(Config.DEFAULT_PATH)) {
      try {
        loaded = ConfigLoader.load(Config.DEFAULT_PATH);
      } catch (LivesyncException e) {
        loaded = null; // a broken default config names nothing: the default socket
      }
    }
    return loaded;
  }

  Path socket() {
    return socket(statusSocket, statusSocket != null ? null : config());
  }

  /** The status socket as {@code run} chooses it: {@code flag}, else {@code cfg}'s status_socket, else the runtime dir's livesync.sock. */
  static Path socket(Path flag, Config cfg) {
    if (flag != null) return Key.STATUS_SOCKET.absolutePath(flag.toAbsolutePath());
    return cfg != null && cfg.statusSocket() != null ? cfg.statusSocket() : StatusServer.defaultSocket();
  }

  /** Where the last verify result is: the config's state root, else the one rule's. */
  Path stateRoot() {
    Config c = config();
    return c != null ? c.stateDir() : Dirs.state();
  }

  /** The pidfile is {@code start}'s, so only for the default socket; another socket's livesync is found by its socket alone. */
  ServiceFiles files() {
    ServiceFiles d = ServiceFiles.defaults();
    Path socket = socket();
    return new ServiceFiles(socket.equals(d.socket()) ? d.pidFile() : null, d.logFile(), socket);
  }

  /** The running livesync's status document, or null when nothing answers on {@link #socket()}. */
  JsonNode status() {
    try {
      return StatusClient.document(socket());
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code doc} with only the named sync (all when no name was given); refuses (exit 2) a name it does not run. */
  JsonNode select(JsonNode doc) {
    if (name == null || doc == null) return doc;
    List<String> names = new ArrayList<>();
    JsonNode match = null;
    for (JsonNode s : doc.path("syncs")) {
      names.add(s.path("name").asText());
      if (s.path("name").asText().equals(name)) match = s;
    }
    if (match == null) {
      throw new LivesyncException("no sync named " + name + " in the livesync answering on " + socket()
          + (names.isEmpty() ? "" : " (it runs: " + String.join(", ", names) + ")"), Exit.USAGE);
    }
    ObjectNode copy = ((ObjectNode) doc).deepCopy();
    ArrayNode one = copy.putArray("syncs");
    one.add(match);
    return copy;
  }
}
