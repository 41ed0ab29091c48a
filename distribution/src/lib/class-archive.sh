# Sourced by bin/raftchat and bin/raftchat-node: a class-data archive (AppCDS) for the program. Run
# as a script (bash class-archive.sh ARCHIVE CLASSLIST CLASSPATH JVM-OPTION...), it writes one.
#
# A JVM that starts from an archive of the classes it will load skips parsing, verifying and linking
# them: a client command takes about 0.6 of its time, a node reaches "started" about a second sooner
# (README, "Start-up"). An archive is valid only for the JDK that wrote it and the jars where they
# were, so none can ship in this package. The first start writes one in the background, at the
# lowest priority, from the class list shipped in lib/ (written by scripts/cds-classlists.sh from a
# real run), while that start runs without it; the starts after it use it. Archives are kept per user
# in RAFTCHAT_CLASS_ARCHIVE_DIR (default ~/.cache/raftchat), named after the JDK and this
# installation's jars, so a new JDK or a new version writes a new one. Off when that variable is
# empty, when JAVA_OPTS says -Xshare or names an archive, or without flock and setsid (util-linux).
# A JVM that cannot use an archive starts without it.

# add_class_archive NAME: appends -XX:SharedArchiveFile to OPTS when NAME's archive is written, else
# starts writing it. Reads OPTS (the JVM options), CP (the class path) and HOME_DIR.
add_class_archive() {
  local name=$1 list=$HOME_DIR/lib/$1.classlist
  local dir=${RAFTCHAT_CLASS_ARCHIVE_DIR-${XDG_CACHE_HOME:-$HOME/.cache}/raftchat}
  [[ -n $dir && -f $list && " ${OPTS[*]} " != *" -Xshare:"* && " ${OPTS[*]} " != *Archive* ]] || return 0
  command -v flock >/dev/null && command -v setsid >/dev/null || return 0
  mkdir -p "$dir" 2>/dev/null && [[ -w $dir ]] || return 0
  local jdk key archive
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  key=$({ echo "$jdk $HOME_DIR"; stat -c '%s %Y' "$jdk/lib/modules"; stat -c '%n %s %Y' "$HOME_DIR"/lib/*.jar; } 2>/dev/null \
        | sha256sum | cut -c1-16)
  archive=$dir/$name-$key.jsa
  if [[ -f $archive ]]; then
    OPTS+=("-XX:SharedArchiveFile=$archive")
  elif [[ ! -f $archive.failed ]]; then
    # In a session of its own (a Ctrl-C of this command does not stop it), and not a child of the JVM
    # this shell becomes (exec), which would never reap it: the subshell that starts it exits at once.
    (setsid bash "${BASH_SOURCE[0]}" "$archive" "$list" "$CP" "${OPTS[@]}" </dev/null >/dev/null 2>&1 &)
  fi
}

# write_class_archive ARCHIVE CLASSLIST CLASSPATH JVM-OPTION...: one writer at a time (flock), into a
# temporary file renamed when complete; a JVM that maps a cut-short archive crashes. A JDK that cannot
# write one leaves ARCHIVE.failed, so that later starts do not try again.
write_class_archive() {
  local archive=$1 list=$2 cp=$3; shift 3
  exec 9>"$archive.lock"
  flock -n 9 || return 0
  [[ -f $archive ]] && return 0
  rm -f "$archive".tmp-*   # left by a writer that was killed; none runs now
  local tmp=$archive.tmp-$$
  if nice -n 19 java "$@" -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$tmp" -Xlog:cds=off -cp "$cp"; then
    mv -f "$tmp" "$archive"
  else
    rm -f "$tmp"
    touch "$archive.failed"
  fi
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  write_class_archive "$@"
fi
