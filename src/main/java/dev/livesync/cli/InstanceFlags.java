package dev.livesync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livesync.Exit;
import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigLoader;
import dev.livesync.ops.service.LivesyncProcesses;
import dev.livesync.ops.service.ServiceFiles;
import dev.livesync.ops.service.Stopper;
import dev.livesync.ops.status.StatusClient;
import dev.livesync.ops.status.StatusServer;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.Key;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Which running livesync {@code status} and {@code stop} talk to, chosen as {@code run} was started:
 * {@code --status-socket PATH}, else {@code --config FILE}'s status_socket, else the default config's
 * (when it exists and sets one), else the runtime dir's livesync.sock; and optionally one sync of it
 * by {@code NAME}. A config file that does not load still names its socket as far as it can be read
 * (they need nothing else of it; {@link #warnings} says what is wrong with it).
 */
final class InstanceFlags {
  @Parameters(arity = "0..1", paramLabel = "NAME", description = "A sync's name (run's --name or the config's name): status shows only that sync; stop checks the livesync runs it, then stops all of its syncs.")
  String name;

  @Option(names = "--status-socket", paramLabel = "PATH", description = "The socket the livesync was started with (run --status-socket; default: the config's status_socket, else the runtime dir's livesync.sock).")
  Path statusSocket;

  @Option(names = "--config", paramLabel = "FILE", description = "The config file the livesync was started with: its status_socket and state_dir (default: " + Config.DEFAULT_FILE + " when it exists).")
  Path config;

  private Config loaded;
  /** --config's file when it does not load: what could be read of it, and why it does not load. */
  private Config.Where where;
  private String configProblem;

  /** The config that names the instance: --config, else the default file when it exists and no socket is given. */
  private Config config() {
    if (loaded != null || where != null) return loaded;
    if (config != null) {
      try {
        loaded = ConfigLoader.load(config);
      } catch (LivesyncException e) {
        configProblem = e.getMessage().lines().findFirst().orElse("");
        where = ConfigLoader.where(config);
      }
    } else if (statusSocket == null && !Dirs.runtimeNamed() && Files.exists(Config.DEFAULT_PATH)) {
      try {
        loaded = ConfigLoader.load(Config.DEFAULT_PATH);
      } catch (LivesyncException e) {
        loaded = null; // a broken default config names nothing: the default socket
      }
    }
    return loaded;
  }

  /** Prints, in one line, what is wrong with --config's file, if anything (the command goes on without it). */
  void warnings(PrintWriter err, String command) {
    if (statusSocket != null || unreadable()) return; // an unreadable one names no instance: find says so
    config();
    if (configProblem != null) {
      err.println("livesync " + command + ": warning: " + configProblem + " (only its status_socket and state_dir are used here)");
      err.flush();
    }
  }

  Path socket() {
    if (statusSocket != null) return socket(statusSocket, null);
    Config c = config();
    if (c == null && where != null && where.statusSocket() != null) return where.statusSocket();
    return socket(null, c);
  }

  /** The status socket as {@code run} chooses it: {@code flag}, else {@code cfg}'s status_socket, else the runtime dir's livesync.sock. */
  static Path socket(Path flag, Config cfg) {
    if (flag != null) return Key.STATUS_SOCKET.absolutePath(flag.toAbsolutePath());
    return cfg != null && cfg.statusSocket() != null ? cfg.statusSocket() : StatusServer.defaultSocket();
  }

  /** Where the last verify result is: the config's state root, else the one rule's. */
  Path stateRoot() {
    Config c = config();
    if (c != null) return c.stateDir();
    return where != null && where.stateDir() != null ? where.stateDir() : Dirs.state();
  }

  /**
   * The pidfile is {@code start}'s, so only for the default socket; another socket's livesync is found by its socket alone.
   * The log is where {@code start} puts it: in the config's state_dir when a config names the instance.
   */
  ServiceFiles files() {
    ServiceFiles d = ServiceFiles.defaults();
    Path socket = socket();
    return new ServiceFiles(socket.equals(d.socket()) ? d.pidFile() : null, stateRoot().resolve(ServiceFiles.LOG), socket);
  }

  /** Whether a config file names the instance (then its state_dir, and the log in it, are known). */
  boolean fromConfig() {
    return config() != null;
  }

  /**
   * The livesync this names, as found: its status document and the socket that gave it; or a
   * livesync process that does not answer ({@code silent}); or neither (not running). {@code note}:
   * why it answered elsewhere, or why it is taken to be this instance.
   */
  record Found(JsonNode doc, Path socket, ProcessHandle silent, String note) {}

  /**
   * --config names a file that cannot be read at all (missing, a directory): it names no socket, and
   * the default one's livesync may be another's, which a stop here ended. Only a livesync running
   * that file ({@code run --config FILE}, its file since deleted or moved) is it.
   */
  private boolean unreadable() {
    return statusSocket == null && config != null && !(Files.isRegularFile(config) && Files.isReadable(config));
  }

  Found find() {
    Path socket = socket();
    if (unreadable()) {
      config(); // its problem, in the loader's words
      Optional<ProcessHandle> running = LivesyncProcesses.running(config);
      if (running.isEmpty()) {
        throw new LivesyncException(configProblem + "; no livesync runs it, and the livesync of the default socket is not asked in its"
            + " place (give the config it was started with, or --status-socket PATH)", Exit.CONFIG);
      }
      return answering(running.get(), socket);
    }
    try {
      return new Found(StatusClient.document(socket), socket, null, null);
    } catch (StatusClient.NotAnswering e) {
      return new Found(null, socket, LivesyncProcesses.holding(socket).orElse(null), null);
    } catch (IOException e) {
      // nothing listens there; the livesync of this config may listen elsewhere (a reload does not move it)
    }
    Optional<ProcessHandle> other = elsewhere();
    if (other.isEmpty()) return new Found(null, socket, null, null);
    return answering(other.get(), socket);
  }

  /** {@code h}, a livesync not answering on {@code socket}: its status from the socket it does answer on, else it as silent. */
  private static Found answering(ProcessHandle h, Path socket) {
    long pid = h.pid();
    for (Path s : LivesyncProcesses.socketsOf(pid)) {
      try {
        JsonNode doc = StatusClient.document(s);
        if (doc.path("pid").asLong() == pid) {
          return new Found(doc, s, null, "livesync (pid " + pid + ") answers on " + s + ", not on " + socket
              + " (a status_socket changed while it runs takes effect at its next restart)");
        }
      } catch (IOException e) {
        // not its status socket, or silent: the next
      }
    }
    return new Found(null, socket, h, "it listens on no status socket that answers");
  }

  /**
   * When nothing listens on the socket: a livesync running this instance's config ({@code run --config
   * FILE}), else, for the default socket (no --status-socket), the one whose pid {@code start} wrote.
   * A runtime dir named by LIVESYNC_RUNTIME_DIR names the instance: without --config, the livesync of
   * the default config is not it (it is another's, which a stop here ended).
   */
  private Optional<ProcessHandle> elsewhere() {
    if (statusSocket != null) return Optional.empty();
    Path file = config != null ? config : !Dirs.runtimeNamed() && Files.exists(Config.DEFAULT_PATH) ? Config.DEFAULT_PATH : null;
    Optional<ProcessHandle> h = file == null ? Optional.empty() : LivesyncProcesses.running(file);
    if (h.isPresent() || config != null) return h;
    return Stopper.fromPidFile(ServiceFiles.defaults().pidFile());
  }

  /**
   * The line for "nothing runs here": the socket asked, and, when LIVESYNC_RUNTIME_DIR chose it (no
   * --config, no --status-socket), that only that runtime dir's livesync was looked for.
   */
  String notRunning(ServiceFiles files) {
    String line = "livesync is not running (nothing answers on " + files.socket() + ")";
    if (statusSocket != null || config != null || !Dirs.runtimeNamed()) return line;
    return line + "; LIVESYNC_RUNTIME_DIR=" + Dirs.runtime() + " names the instance: no other livesync was looked for"
        + (Files.exists(Config.DEFAULT_PATH) ? " (the default config's: --config " + Config.DEFAULT_FILE + ")" : "");
  }

  /**
   * One line for a livesync that does not answer, with the stop that names it as this command did: a
   * bare 'livesync stop' asks the default socket, whose livesync may be another.
   */
  String silent(Found f) {
    String pid = f.silent() == null ? "" : " (pid " + f.silent().pid() + ")";
    String stop = statusSocket != null ? "livesync stop --status-socket " + CliErrors.quote(statusSocket.toString())
        : config != null ? "livesync stop --config " + CliErrors.quote(config.toString()) : "livesync stop";
    return "livesync" + pid + " does not answer on " + f.socket() + (f.note() == null ? "" : "; " + f.note())
        + " (stopped or hung; '" + stop + "' ends it)";
  }

  /** The running livesync's status document, or null when none answers (on its socket, or elsewhere: {@link #find}). */
  JsonNode status() {
    return find().doc();
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
