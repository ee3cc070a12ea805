package dev.livesync.server;

import java.nio.file.Path;
import java.util.List;

/**
 * One rsync daemon module: what clients name after {@code ::} or in {@code rsync://host/module}.
 * {@code uid}/{@code gid} null means "the owner of {@code path}" (so the daemon can write there
 * without running transfers as root unless the directory is root's).
 */
public record ServeModule(
    String name,
    Path path,
    String user,
    Path passwordFile,
    String comment,
    boolean readOnly,
    List<String> hostsAllow,
    int maxConnections,
    String uid,
    String gid) {

  public ServeModule {
    hostsAllow = hostsAllow == null ? List.of() : List.copyOf(hostsAllow);
  }

  /** A writable module with defaults for everything optional. */
  public static ServeModule of(String name, Path path, String user, Path passwordFile) {
    return new ServeModule(name, path, user, passwordFile, null, false, List.of(), 0, null, null);
  }
}
