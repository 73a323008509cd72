#!/bin/bash
# SPDX-License-Identifier: MIT
# Shell completion: completions/streamutils.bash run as bash runs it, and
# completions/_streamutils in zsh, against the tools' --completion-spec.
. "$(dirname "$0")/lib.sh"

COMPDIR=$(cd "$TESTDIR/../../completions" && pwd)

# comp WORD...: completes the last WORD of the command line "WORD..." the
# way bash does (COMP_WORDS split at blanks and at '=', as with bash's
# default COMP_WORDBREAKS), with the function that the completion file
# registered for the command; prints COMPREPLY, one per line.
cat >"$SCRATCH/comp" <<'EOF'
#!/bin/bash
source "$COMPDIR/streamutils.bash" || exit 1
spec=$(complete -p "$1" 2>/dev/null) || { echo "no completion for $1"; exit 1; }
fn=${spec#*-F }
fn=${fn%% *}
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}"
EOF
chmod +x "$SCRATCH/comp"
export COMPDIR
C="$SCRATCH/comp"

# What the tools' option tables say, to check the completion against.
spec_words() {	# TOOL LONG: the COMPLETE words of an option, one a line
	"$1" --completion-spec | awk -F'\t' -v o="$2" '$2 == o { print $4 }' |
	    tr ' ' '\n'
}
spec_names() {	# TOOL: every short and long option, one a line
	"$1" --completion-spec |
	    awk -F'\t' '$1 != "operands" { if ($1 != "") print $1; print $2 }'
}

# ---- bash ----------------------------------------------------------------

testing "bash: the tools are registered" \
	"bash -c 'source $COMPDIR/streamutils.bash; complete -p stream-source stream-sink'" \
	"complete -F _streamutils stream-source
complete -F _streamutils stream-sink"

testing "bash: long option by prefix" \
	"$C stream-source --form" "--format"

testing "bash: every long option with the prefix" \
	"$C stream-source --fo | sort" "--follow
--format"

testing "bash: '-' offers every option of the table" \
	"$C stream-source - | sort" "$(spec_names stream-source | sort)"

testing "bash: option argument from the word list" \
	"$C stream-source -f ''" "$(spec_words stream-source --format)"

testing "bash: output formats by prefix" \
	"$C stream-sink -o c" "csv"

testing "bash: long option then its argument" \
	"$C stream-sink --output-format t | sort" "table
trace
tsv"

testing "bash: -o table's --redraw takes its words" \
	"$C stream-sink --redraw ''" "auto
always
never"

testing "bash: --opt=value split at '='" \
	"$C stream-sink --output-format = c" "csv"

testing "bash: --opt=value in one word" \
	"$C stream-sink --output-format=c" "--output-format=csv"

testing "bash: free text gets no completion" \
	"$C stream-source --time ''; echo end" "end"

testing "bash: free text after = gets no completion" \
	"$C stream-source --time = ''; $C stream-source -d ''; echo end" \
	"end" "x"

testing "bash: a file operand" \
	": > access.log; : > other.txt; $C stream-source acc" "access.log"

testing "bash: a file operand after options and their arguments" \
	": > access.log; $C stream-source -f combined -t time acc" \
	"access.log"

testing "bash: file argument of an option" \
	": > out.ndjson; $C stream-sink --output ou" "out.ndjson"

testing "bash: a cluster whose last letter takes an argument" \
	"$C stream-source -Ff co | sort" "combined
common"

testing "bash: an argument attached to its letter" \
	"$C stream-sink -ocs" "-ocsv"

testing "bash: options after an operand" \
	"$C stream-source access.log --no-h" "--no-header"

testing "bash: after -- only operands" \
	": > -x; $C stream-source -- -" "-x"

testing "bash: the argument word is not an operand" \
	": > access.log; $C stream-source -f a" "auto"

# A tool that does not exist yet: found on PATH when the file is sourced,
# completed from its own spec, which is read once per shell.
mkdir -p "$SCRATCH/newbin"
cat >"$SCRATCH/newbin/stream-new" <<'EOF'
#!/bin/sh
if [ "$1" = --completion-spec ]; then
	echo x >> "$COUNT"
	printf -- '-m\t--mode\tMODE\tfast slow\tthe mode\n'
	printf -- '\t--dir\tDIR\t@dir\twhere\n'
	printf -- '\t--late\tdrop|FILE\tdrop @file\tlate records\n'
	printf 'operands\t\t\t\t\n'
fi
EOF
chmod +x "$SCRATCH/newbin/stream-new"
N="PATH=$SCRATCH/newbin:\$PATH COUNT=\$PWD/count"

testing "bash: a new stream-* tool is completed without edits" \
	"$N $C stream-new --mode ''" "fast
slow"

testing "bash: @dir completes directories" \
	"mkdir -p dd/sub; : > dfile; $N $C stream-new --dir d" "dd"

testing "bash: words and @file mixed" \
	": > dump.log; $N $C stream-new --late d" "drop
dump.log"

testing "bash: empty operand completion gives nothing" \
	": > afile; $N $C stream-new a; echo end" "end"

testing "bash: the spec is read once per shell" \
	"$N bash -c 'source $COMPDIR/streamutils.bash
for w in --m --d -; do
	COMP_WORDS=(stream-new \$w); COMP_CWORD=1; _streamutils
done
wc -l < count'" "1"

# ---- zsh -----------------------------------------------------------------

if ! command -v zsh >/dev/null 2>&1; then
	skip "zsh: completion file loads" "zsh is not installed"
	skip "zsh: completion through the completion system" \
	    "zsh is not installed"
	done_testing
	exit
fi

testing "zsh: the file loads and registers the tools" \
	"zsh -fc 'autoload -U compinit; compinit -u -d $SCRATCH/zcompdump; source $COMPDIR/_streamutils; print -r -- \$_comps[stream-source] \$_comps[stream-sink] \$_patcomps[stream-*]'" \
	"_streamutils _streamutils _streamutils"

testing "zsh: #compdef registers it from fpath" \
	"zsh -fc 'fpath=($COMPDIR \$fpath); autoload -U compinit; compinit -u -d $SCRATCH/zcompdump.fpath; print -r -- \$_comps[stream-sink] \$_patcomps[stream-*]'" \
	"_streamutils _streamutils"

# The conversion rule, written out: flags, options with an argument (a
# short one takes it attached or next, a long one after '=' or next),
# word lists, @file, operands.
expected_specs() {
	"$1" --completion-spec | awk -F'\t' '
	$2 == "--output-format" {
		print "(-o --output-format)-o+[" $5 "]:" $3 ":(" $4 ")"
		print "(-o --output-format)--output-format=[" $5 "]:" $3 ":(" $4 ")"
	}
	$2 == "--output" { print "--output=[" $5 "]:" $3 ":_files" }
	$2 == "--strict" { print "--strict[" $5 "]" }
	$1 == "operands" { print "*:file:_files" }'
}
testing "zsh: _arguments specs from the option table" \
	"zsh -fc 'autoload -U compinit; compinit -u -d $SCRATCH/zcompdump; source $COMPDIR/_streamutils; _streamutils_specs stream-sink; print -rl -- \$reply' | grep -e '^(-o --output-format)' -e '^--output=' -e '^--strict' -e '^\\*'" \
	"$(expected_specs stream-sink)"

if ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	skip "zsh: completion through the completion system" \
	    "zsh has no zsh/zpty module"
	done_testing
	exit
fi

# zcomp LINE: types LINE and a TAB into an interactive zsh on a pseudo
# terminal and prints what the completion system offered, sorted.  compadd
# is wrapped to write the matches to a file; the completion ends the shell.
cat >"$SCRATCH/zinit" <<'EOF'
PROMPT=
LISTMAX=100000
fpath=($COMPDIR $fpath)
autoload -U compinit
compinit -u -d $ZDUMP
bindkey '^I' complete-word
zstyle ':completion:*' insert-tab false
_zc_done() { print -r -- '#done' >>| $ZOUT; exit }
comppostfuncs=(_zc_done)
compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"
		return $?
	fi
	local -a __hits
	builtin compadd -A __hits "$@"
	(( $#__hits )) && print -rl -- "${__hits[@]}" >>| $ZOUT
	builtin compadd "$@"
}
print zinit-ready
EOF
cat >"$SCRATCH/zcomp" <<'EOF'
zmodload zsh/zpty || exit 2
export ZOUT=$PWD/.zout ZDUMP=$ZDUMP
: >| $ZOUT
zpty z zsh -f -i
zpty -w z "source $ZINIT"
local line
integer n=0
while (( n++ < 200 )); do
	zpty -r -t z line '*zinit-ready*' && break
	sleep 0.05
done
zpty -w -n z "$1"$'\t'
n=0
while (( n++ < 1000 )); do
	[[ -f $ZOUT && $(<$ZOUT) == *'#done'* ]] && break
	sleep 0.02
done
zpty -d z
[[ $(<$ZOUT) == *'#done'* ]] || { print "zcomp: no completion"; exit 1; }
grep -v '^#done$' $ZOUT | sort -u
EOF
export ZINIT="$SCRATCH/zinit" ZDUMP="$SCRATCH/zcompdump.fpath"
Z="timeout 60 zsh -f $SCRATCH/zcomp"

testing "zsh: output formats by prefix" \
	"$Z 'stream-sink -o c'" "csv"

testing "zsh: option argument from the word list" \
	"$Z 'stream-source -f '" "$(spec_words stream-source --format | sort)"

testing "zsh: long option by prefix" \
	"$Z 'stream-source --fo'" "--follow
--format"

testing "zsh: free text gets no completion" \
	"$Z 'stream-source --time '; echo end" "end"

testing "zsh: a file operand" \
	": > access.log; : > other.txt; $Z 'stream-source acc'" "access.log"

testing "zsh: words and @file mixed, in a new tool" \
	": > dump.log; $N $Z 'stream-new --late d'" "drop
dump.log"

done_testing
