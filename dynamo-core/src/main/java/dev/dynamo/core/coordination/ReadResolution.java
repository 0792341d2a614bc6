package dev.dynamo.core.coordination;

import dev.dynamo.api.Context;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pure logic of a get's answer: merge what replicas returned (dropping superseded
 * versions), settle concurrent siblings with the table's reconciler, and name the
 * replicas that need read repair.
 */
public final class ReadResolution {

    private ReadResolution() {
    }

    /** The union of the replicas' sibling sets without superseded versions. */
    public static SiblingSet merge(Iterable<SiblingSet> answers) {
        SiblingSet merged = SiblingSet.EMPTY;
        for (SiblingSet s : answers) {
            merged = merged.merge(s).set();
        }
        return merged;
    }

    /** Replicas whose answer lacks a version of {@code merged}. */
    public static List<String> stale(SiblingSet merged, Map<String, SiblingSet> answers) {
        List<String> out = new ArrayList<>();
        answers.forEach((node, set) -> {
            if (merged.hasVersionsMissingFrom(set)) {
                out.add(node);
            }
        });
        return out;
    }

    /**
     * What the client sees: nothing when absent or deleted; one version; or the siblings
     * the reconciler keeps. The context always covers every version read, tombstones too,
     * so the next write supersedes all of them.
     */
    public static GetResult resolve(SiblingSet merged, Reconciler reconciler) {
        Context context = merged.context();
        List<Version> versions = merged.versions();
        if (versions.isEmpty() || merged.isDeleted()) {
            return GetResult.notFound(context);
        }
        if (versions.size() == 1) {
            return new GetResult(List.of(versions.get(0).toVersioned()), context);
        }
        List<Sibling> siblings = new ArrayList<>(versions.size());
        for (Version v : versions) {
            siblings.add(v.toSibling());
        }
        List<Sibling> settled = reconciler.reconcile(siblings);
        List<Versioned> out = new ArrayList<>(settled.size());
        for (Sibling s : settled) {
            if (s.tombstone()) {
                continue;
            }
            Version original = null;
            for (Version v : versions) {
                if (v.toSibling().equals(s)) {
                    original = v;
                    break;
                }
            }
            out.add(new Versioned(s.value(), s.timestamp(), original != null ? original.clock() : merged.clock()));
        }
        return new GetResult(out, context);
    }
}
