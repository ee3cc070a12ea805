package dev.livesync.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * What a transfer would delete at a target, from an itemized dry run ({@code *deleting} lines):
 * every entry, files and directories, each path relative and without a trailing slash.
 * {@code targetEntries} is how many entries the target holds now (files, directories, links; the
 * transfer's root counted), -1 when the dry run cannot tell (a send of a few paths). {@code created}:
 * the entries the same transfer would make at the target (a rename on a daemon target is a deletion
 * and a creation in one batch). {@code changes}: every entry the transfer would change in any way
 * (made, sent, its attributes set, deleted), -1 when the dry run cannot tell (it did not end cleanly):
 * 0 means the target already equals the source for that transfer. {@code changed}: those that are not
 * deletions, by name; null unless the dry run named every change, none was a hard link to make (with
 * {@code -H}: a send of these names alone would copy it), and there were at most {@link #CHANGED_MAX}.
 * {@code renamed}: of the {@code created}, those at or below the new name of a rename ({@link Transport#RENAMED}).
 */
public record DeletionPreview(List<byte[]> deletions, long targetEntries, long created, long changes, List<byte[]> changed,
    long renamed) {
  /** The most changes a preview names ({@code changed}). */
  public static final int CHANGED_MAX = 20_000;

  public DeletionPreview {
    deletions = List.copyOf(deletions);
    changed = changed == null ? null : List.copyOf(changed);
  }

  public DeletionPreview(List<byte[]> deletions, long targetEntries, long created, long changes, List<byte[]> changed) {
    this(deletions, targetEntries, created, changes, changed, 0);
  }

  public DeletionPreview(List<byte[]> deletions, long targetEntries, long created) {
    this(deletions, targetEntries, created, -1, null);
  }

  public DeletionPreview(List<byte[]> deletions, long targetEntries) {
    this(deletions, targetEntries, 0);
  }

  /** This preview and {@code next}'s, of a transfer made of two runs (a send's paths in {@link RsyncArgs#argvRuns}). */
  DeletionPreview and(DeletionPreview next) {
    List<byte[]> gone = new ArrayList<>(deletions);
    gone.addAll(next.deletions);
    List<byte[]> named = null;
    if (changed != null && next.changed != null && changed.size() + next.changed.size() <= CHANGED_MAX) {
      named = new ArrayList<>(changed);
      named.addAll(next.changed);
    }
    long entries = targetEntries < 0 || next.targetEntries < 0 ? -1 : targetEntries + next.targetEntries;
    return new DeletionPreview(gone, entries, created + next.created, changes < 0 || next.changes < 0 ? -1 : changes + next.changes, named,
        renamed + next.renamed);
  }

  /** Whether the dry run found nothing at all to change: the transfer would do nothing. */
  public boolean nothingToDo() {
    return changes == 0;
  }
}
