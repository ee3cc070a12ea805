package dev.livesync.sync;

import java.util.List;

/**
 * The source's directories as the mass-deletion guard weighs them ({@link TreeCount#trees}): how
 * many entries one holds, and what its entries are, the excluded left out.
 */
interface SourceTrees {
  /** How many entries the source's directory {@code rel} holds, itself included. */
  long entries(byte[] rel);

  /** The entries of the source's directory {@code rel} (paths relative to the source); none when not known. */
  default List<byte[]> children(byte[] rel) {
    return List.of();
  }
}
