package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import java.util.List;

/**
 * One part of a full sync that runs as an rsync of its own: the subtree at {@code root} (relative to
 * the source; empty: the whole source) minus the subtrees {@code carved} out of it, each of which is a
 * part of its own. {@code entries}: how many files and directories it holds, as counted when planned.
 * Carved names are plain (no {@code * ? [ \}, newline or invalid UTF-8), so that an anchored
 * {@code --exclude=/NAME/} means exactly that directory.
 */
// Never compared or hashed (parts are run, counted and logged); toString shows the root.
public record FullSyncShard(byte[] root, List<byte[]> carved, long entries) {
  public FullSyncShard {
    carved = List.copyOf(carved);
  }

  public static FullSyncShard whole(long entries) {
    return new FullSyncShard(new byte[0], List.of(), entries);
  }

  public boolean isWhole() {
    return root.length == 0 && carved.isEmpty();
  }

  /** Whether {@code name} (a path relative to the source) can be carved out with an anchored exclude. */
  public static boolean plain(byte[] rel) {
    try {
      java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(rel));
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
    for (byte b : rel) {
      if (b == '*' || b == '?' || b == '[' || b == '\\' || b == '\n' || b == '\r') return false;
    }
    return true;
  }

  @Override
  public String toString() {
    return (root.length == 0 ? "/" : "/" + Bytes.display(root) + "/") + (carved.isEmpty() ? "" : " minus " + carved.size())
        + " (" + entries + " entries)";
  }
}
