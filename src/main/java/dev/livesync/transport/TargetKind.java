package dev.livesync.transport;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What differs between the kinds of target ({@link Target}): how rsync reaches it, who logs in,
 * whether and how a rename is done there, how its old versions are pruned. One per transport.
 */
sealed interface TargetKind permits DaemonKind, SshKind, LocalKind {
  static TargetKind of(Target target, TargetOptions options, byte[] source) {
    return switch (target) {
      case Target.Daemon d -> new DaemonKind(d, options, source);
      case Target.Ssh s -> new SshKind(s, options);
      case Target.Local l -> new LocalKind(l, options);
    };
  }

  /** rsync options that reach the target (credentials, remote shell, connect timeout), after the common ones. */
  void connectionArgs(List<String> argv);

  /** rsync's environment besides {@code LC_ALL=C}. */
  default void env(Map<String, String> env) {}

  /** Directories whose names in rsync's messages mean the target (a local target's directory, as given and real; a daemon's, from its module's top). */
  default List<byte[]> localRoots() {
    return List.of();
  }

  /**
   * Whether the new names of a batch that share a directory with a deleted name go in a run of
   * their own with {@code --fuzzy} (a rename at a target that cannot rename; see {@link FuzzySplit}).
   */
  default boolean fuzzyForRenames() {
    return false;
  }

  /**
   * Whether a batch may go to the directory its paths share ({@link CommonDir}) instead of the
   * target's top: only where the target itself keeps a run inside it (a daemon's module, chrooted or
   * with its symlinks munged), as rsync then changes into that directory on the target.
   */
  default boolean sendsIntoCommonDir() {
    return false;
  }

  /** {@link Transport#canRename}. */
  boolean canRename();

  /** {@link Transport#rename}: {@code from} and {@code to} are checked relative paths. */
  boolean rename(byte[] from, byte[] to, RsyncRuns rsync) throws InterruptedException;

  /** {@link Transport#moveOnServer}: none but a daemon's server can. */
  default TransferResult moveOnServer(byte[] from, byte[] to, RsyncRuns rsync) throws InterruptedException {
    return null;
  }

  /** {@link Transport#renameAll}: one after another, unless the kind can do them in one go. */
  default boolean renameAll(List<Transport.Move> moves, RsyncRuns rsync) throws InterruptedException {
    boolean all = true;
    for (Transport.Move m : moves) all &= rename(m.from(), m.to(), rsync);
    return all;
  }

  /** Removes old versions from before {@code cutoff} at the target; returns how many (0 where unknown). */
  int pruneVersions(Instant cutoff) throws InterruptedException;

  /** Stops the helper processes, if any; idempotent. */
  default void close() {}
}
