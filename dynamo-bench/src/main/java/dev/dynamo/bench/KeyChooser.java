package dev.dynamo.bench;

import java.util.SplittableRandom;

/**
 * Chooses key indexes in [0, keyCount): uniformly, or zipfian (YCSB's generator, Gray et
 * al., with theta 0.99) with the popular ranks scattered over the key space by a hash so
 * that hot keys land on different partitions.
 */
public interface KeyChooser {

    long next(SplittableRandom random);

    static KeyChooser uniform(long keyCount) {
        return random -> random.nextLong(keyCount);
    }

    static KeyChooser zipfian(long keyCount) {
        return new Zipfian(keyCount, 0.99);
    }

    /** Zipfian over ranks, as in YCSB's ZipfianGenerator; scrambled with FNV-1a. */
    final class Zipfian implements KeyChooser {
        private final long items;
        private final double theta;
        private final double alpha;
        private final double zetan;
        private final double eta;

        Zipfian(long items, double theta) {
            if (items < 1) {
                throw new IllegalArgumentException("key count must be >= 1, was " + items);
            }
            this.items = items;
            this.theta = theta;
            double zeta2 = zeta(2, theta);
            this.alpha = 1.0 / (1.0 - theta);
            this.zetan = zeta(items, theta);
            this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetan);
        }

        private static double zeta(long n, double theta) {
            double sum = 0;
            for (long i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, theta);
            }
            return sum;
        }

        @Override
        public long next(SplittableRandom random) {
            double u = random.nextDouble();
            double uz = u * zetan;
            long rank;
            if (uz < 1.0) {
                rank = 0;
            } else if (uz < 1.0 + Math.pow(0.5, theta)) {
                rank = 1;
            } else {
                rank = (long) (items * Math.pow(eta * u - eta + 1, alpha));
            }
            return Math.floorMod(fnv(Math.min(rank, items - 1)), items);
        }

        private static long fnv(long value) {
            long hash = 0xCBF29CE484222325L;
            for (int i = 0; i < 8; i++) {
                hash ^= value & 0xFF;
                hash *= 0x100000001B3L;
                value >>>= 8;
            }
            return hash;
        }
    }
}
