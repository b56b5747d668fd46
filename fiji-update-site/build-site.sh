#!/usr/bin/env bash
# Assembles the ImageJ update site of featurize-unet from the Maven build into target/fiji-update-site/
# (see fiji-update-site/README.md). Run from anywhere; Maven resolves every jar, nothing is committed.
#
#   fiji-update-site/build-site.sh [--no-build] [--offline] [--previous DB.xml.gz] [--timestamp STAMP]
#                                  [--model-dir DIR | --no-model] [--out DIR]
#
#   --no-build        use the jar already in target/ instead of running `mvn package -DskipTests`
#   --offline         pass -o to Maven (every jar must already be in the local repository)
#   --previous DB     the db.xml.gz of the site as it is online now: keeps earlier checksums
#   --timestamp T     yyyyMMddHHmmss of this upload (default: $SOURCE_DATE_EPOCH, else now, UTC)
#   --model-dir DIR   folder with the default model unet16.pt + unet16.json and its bfloat16 variant (default: models/)
#   --no-model        build a site without the model files
#   --out DIR         output folder (default target/fiji-update-site; replaced if it holds a site)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

build=1
mvn_args=(-B -q -Dstyle.color=never)
tool_args=()
previous=""
model_dir="models"
with_model=1
out="target/fiji-update-site"
while [ $# -gt 0 ]; do
	case "$1" in
		--no-build) build=0 ;;
		--offline) mvn_args+=(-o) ;;
		--previous) previous="$2"; shift ;;
		--timestamp) tool_args+=(--timestamp "$2"); shift ;;
		--model-dir) model_dir="$2"; shift ;;
		--no-model) with_model=0 ;;
		--out) out="$2"; shift ;;
		-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
		*) echo "Unknown option: $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

# The native jar and its platforms: classifiers of pytorch-native-cpu from platforms.txt.
native_group="ai.djl.pytorch"
native_artifact="pytorch-native-cpu"
classifiers=$(sed -e 's/#.*//' "$here/platforms.txt" | awk 'NF == 2 { print $1 }')

if [ "$build" = 1 ]; then
	mvn "${mvn_args[@]}" package -DskipTests
fi

plugin_jar=$(find target -maxdepth 1 -name 'featurize-unet-*.jar' \
	! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name '*-tests.jar' | sort)
if [ "$(printf '%s\n' "$plugin_jar" | grep -c .)" != 1 ]; then
	echo "Expected one plugin jar target/featurize-unet-*.jar, found: ${plugin_jar:-none} (build first)" >&2
	exit 1
fi

# Runtime dependencies (with their POMs, for descriptions), in the repository layout.
stage="target/fiji-update-site-staging"
rm -rf "$stage"
mkdir -p "$stage/repository"
mvn "${mvn_args[@]}" dependency:copy-dependencies -DincludeScope=runtime \
	-Dmdep.useRepositoryLayout=true -Dmdep.copyPom=true -DoutputDirectory="$stage/repository"

# The same native version for every platform of platforms.txt.
native_dir="$stage/repository/${native_group//.//}/$native_artifact"
native_version=$(ls "$native_dir" 2>/dev/null | head -n 1)
if [ -z "$native_version" ]; then
	echo "The runtime dependencies hold no $native_group:$native_artifact; is it still in pom.xml?" >&2
	exit 1
fi
for classifier in $classifiers; do
	jar="$native_dir/$native_version/$native_artifact-$native_version-$classifier.jar"
	[ -f "$jar" ] && continue
	mvn "${mvn_args[@]}" dependency:copy \
		-Dartifact="$native_group:$native_artifact:$native_version:jar:$classifier" \
		-DoutputDirectory="$native_dir/$native_version"
done

if [ "$with_model" = 1 ]; then
	for f in unet16.pt unet16.json unet16-bf16.pt unet16-bf16.json; do
		if [ ! -f "$model_dir/$f" ]; then
			echo "No default model file $model_dir/$f (use --model-dir DIR, or --no-model)" >&2
			exit 1
		fi
		tool_args+=(--model "$model_dir/$f")
	done
fi

# The earlier index may sit in the output folder, which is replaced: read it from a copy.
if [ -n "$previous" ]; then
	cp "$previous" "$stage/previous-db.xml.gz"
	tool_args+=(--previous "$stage/previous-db.xml.gz")
fi

# The assembler uses only the JDK: compile its package alone, whatever state the rest of the code is in.
tool="target/fiji-update-site-tool"
rm -rf "$tool"
mkdir -p "$tool"
javac -d "$tool" --release 17 src/main/java/org/featurize/unet/site/*.java

# The default output is a build folder: start it afresh. Any other folder must be empty (or hold a site
# and be replaced with --force by hand).
[ "$out" = "target/fiji-update-site" ] && rm -rf "$out"
java -cp "$tool" org.featurize.unet.site.UpdateSite \
	--plugin-jar "$plugin_jar" \
	--repository "$stage/repository" \
	--platforms "$here/platforms.txt" \
	--fiji-provided "$here/fiji-provided.txt" \
	--out "$out" ${tool_args[@]+"${tool_args[@]}"}
echo "Update site written to $out"
