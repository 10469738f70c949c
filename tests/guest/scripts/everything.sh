# A busybox ash script run under jitvm and under qemu-riscv64-static; the outputs must match.
# Pipelines, redirections, here-documents, subshells, traps, wait, kill and external applets.
set -u
cd "$(dirname "$0")"
rm -rf work && mkdir work && cd work

echo "== pipelines"
seq 1 20 | grep 1 | sort -r | head -n 3 | tr '\n' ' '; echo
printf 'b\na\nc\na\n' | sort | uniq -c | sed 's/^ *//'
echo hello world | awk '{ print toupper($2), length($1) }'
seq 100 | wc -l | xargs echo lines:

echo "== redirections"
echo one > f1; echo two >> f1; cat < f1
ls nosuchfile 2> err.txt; echo "status $?"; sed 's/.*nosuchfile.*/err mentions the file/' err.txt
{ echo out; echo err >&2; } > both.txt 2>&1; sort both.txt | tr '\n' ,; echo
exec 3> fd3.txt; echo via-fd3 >&3; exec 3>&-; cat fd3.txt

echo "== here-documents"
name=jitvm
cat <<EOT
hello $name
  $(echo substituted) $((6 * 7))
EOT
cat <<'EOT'
literal $name $(not run)
EOT
tr a-z A-Z <<-EOT
	tabs stripped
	EOT

echo "== subshells and functions"
x=outer; (x=inner; echo "in subshell: $x"); echo "after: $x"
v=$(cd /; pwd); echo "cwd in substitution: $v; here: $(basename "$(pwd)")"
count() { local n=0; for a in "$@"; do n=$((n + 1)); done; echo "$n args"; }
count a "b c" d
f() { return 7; }; f; echo "function status $?"
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 3 ] && continue; printf '%s ' $i; done; echo
case "abc.txt" in *.sh) echo script;; *.txt) echo text;; esac

echo "== traps"
trap 'echo trapped USR1' USR1
kill -USR1 $$
trap 'echo exiting subshell' EXIT; (trap 'echo sub exit' EXIT; echo in sub); trap - EXIT
( trap 'echo got TERM; exit 3' TERM; kill -TERM $(sh -c 'echo $PPID'); sleep 5 ); echo "subshell status $?"

echo "== background jobs, wait, kill"
sleep 0.2 & p1=$!
(sleep 0.1; exit 4) & p2=$!
wait $p2; echo "job 2 status $?"
wait $p1; echo "job 1 status $?"
sleep 10 & p3=$!
kill $p3; wait $p3; echo "killed job status $?"
sh -c 'kill -9 $$'; echo "kill -9 status $?"

echo "== applets"
mkdir -p d/sub && touch d/a d/sub/b && find d | sort
echo "data line" > d/a; cp d/a d/c; mv d/c d/e; ls d | tr '\n' ' '; echo
ln -s a d/link; readlink d/link; rm d/link
stat -c '%s %F' d/a
du -s d >/dev/null && echo du ok
echo 12345 | rev; echo "a:b:c" | cut -d: -f2
seq 5 | paste -s -d+ | bc 2>/dev/null || seq 5 | awk '{ s += $1 } END { print s }'
echo "3 1 2" | tr ' ' '\n' | sort -n | tail -n 1
printf 'x\ny\n' | tee t.txt | wc -l; cat t.txt
echo abcdef | od -c | head -n 1
echo hi | md5sum; echo hi | sha1sum
echo "compress me compress me" | gzip -c | gunzip -c
dd if=/dev/zero bs=512 count=4 2>/dev/null | wc -c
expr 3 + 4; test 5 -gt 3 && echo test ok; [ -d d ] && echo dir ok
date -d @0 -u +%Y-%m-%d 2>/dev/null || echo 1970-01-01
basename /a/b/c.txt .txt; dirname /a/b/c.txt
echo "z y x" | xargs -n1 | sort | xargs
yes | head -n 3 | tr '\n' ' '; echo
env | grep -c "^PATH="
true && echo and-ok; false || echo or-ok
cd .. && rm -rf work && echo cleaned
