#!/usr/bin/env bash
# The performance benchmark: bin/featurize vs the floor vs the Python original, interleaved, medians.
#   bench/run.sh [--reps 3] [--sizes 4x48x512x512,2x12x768x1024] [--threads N]
#   bench/run.sh --classify [--reps 2]   pixel classification: classify with a saved classifier against featurize alone on
#                                        the same planes, training time, memory on 4 and 16 planes
#   bench/run.sh --geometry [--reps 2]   the geometry table: default settings on inputs chunked as planes, 2D tiles,
#                                        3D blocks and large planes, throughput against plane-chunked 1024 x 1024
# Needs: the build (done here), Debian's python3-torch python3-dask python3-zarr, GNU time.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
mvn -B -q -o package -DskipTests 2>/dev/null || mvn -B -q package -DskipTests
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt > /dev/null
main=org.featurize.unet.bench.Benchmark
if [ "${1:-}" = "--geometry" ]; then
	main=org.featurize.unet.bench.GeometryBench
	shift
elif [ "${1:-}" = "--classify" ]; then
	main=org.featurize.unet.bench.ClassifyBench
	shift
fi
exec java -Dai.djl.offline=true -Dslf4j.internal.verbosity=ERROR \
	-cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" $main --root "$root" "$@"
