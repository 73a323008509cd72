# SPDX-License-Identifier: MIT
# bash completion for the streamutils tools (stream-source, stream-sink, and
# every stream-* tool to come).
#
# Nothing here knows a tool's options: each tool prints its option table
# with --completion-spec (see streamutils(7)), one line per option,
#
#	SHORT <TAB> LONG <TAB> ARG <TAB> COMPLETE <TAB> HELP
#
# and a last line "operands <TAB><TAB><TAB> COMPLETE <TAB>".  ARG is empty
# for a flag, "[=X]" for an optional argument; COMPLETE is @file, @dir,
# @cmd, a list of words, or empty for free text.  The spec is read the
# first time a tool is completed and kept for the rest of the session.
#
# Installed as "streamutils" in bash-completion's directory with a link
# named after each tool (so it loads on demand), or sourced from ~/.bashrc.
# It needs nothing from the bash-completion package.

# Sets _streamutils_spec to the option table of command $1, reading it
# once per command and shell session.
_streamutils_load_spec()
{
	local cmd=$1 var
	var=_streamutils_spec_${cmd//[^A-Za-z0-9_]/_}
	if [[ -z ${!var+set} ]]; then
		local spec
		spec=$("$cmd" --completion-spec 2>/dev/null) || spec=
		# Only a table that looks right is kept: an old or broken tool
		# is asked again next time.
		[[ $spec == *operands* ]] || { _streamutils_spec=; return 1; }
		printf -v "$var" '%s' "$spec"
	fi
	_streamutils_spec=${!var}
}

# Looks option $1 ("-f" or "--format") up in _streamutils_spec.  Sets
# _streamutils_arg and _streamutils_comp; returns 1 if there is no such
# option.
_streamutils_option()
{
	local want=$1 line short long rest
	while IFS= read -r line; do
		short=${line%%$'\t'*}
		rest=${line#*$'\t'}
		long=${rest%%$'\t'*}
		rest=${rest#*$'\t'}
		if [[ $want == "$short" && -n $short ]] || [[ $want == "$long" && -n $long ]]; then
			_streamutils_arg=${rest%%$'\t'*}
			rest=${rest#*$'\t'}
			_streamutils_comp=${rest%%$'\t'*}
			return 0
		fi
	done <<<"$_streamutils_spec"
	return 1
}

# Adds to COMPREPLY the completions of $2 as described by COMPLETE $1 (words
# and @file, @dir, @cmd, in any mix), each with prefix $3 (for
# "--opt=value" in one word).
_streamutils_values()
{
	local how=$1 cur=$2 prefix=$3 w
	local -a words=() found=()
	for w in $how; do
		[[ $w == @* ]] || words+=("$w")
	done
	if (( ${#words[@]} )); then
		while IFS= read -r w; do found+=("$w"); done \
		    < <(compgen -W "${words[*]}" -- "$cur")
	fi
	for w in $how; do
		case $w in
		@file)
			compopt -o filenames 2>/dev/null
			while IFS= read -r w; do found+=("$w"); done \
			    < <(compgen -f -- "$cur")
			;;
		@dir)
			compopt -o filenames 2>/dev/null
			while IFS= read -r w; do found+=("$w"); done \
			    < <(compgen -d -- "$cur")
			;;
		@cmd)
			while IFS= read -r w; do found+=("$w"); done \
			    < <(compgen -c -- "$cur")
			;;
		esac
	done
	for w in "${found[@]}"; do
		COMPREPLY+=("$prefix$w")
	done
}

# Adds the option names that start with $1.
_streamutils_names()
{
	local cur=$1 line short long rest
	local -a names=()
	while IFS= read -r line; do
		short=${line%%$'\t'*}
		[[ $short == operands ]] && continue
		rest=${line#*$'\t'}
		long=${rest%%$'\t'*}
		[[ $cur != --* && -n $short ]] && names+=("$short")
		[[ -n $long ]] && names+=("$long")
	done <<<"$_streamutils_spec"
	while IFS= read -r line; do
		COMPREPLY+=("$line")
	done < <(compgen -W "${names[*]}" -- "$cur")
}

# The completion function for every stream-* tool.
_streamutils()
{
	local cmd=${COMP_WORDS[0]} cword=$COMP_CWORD
	local cur=${COMP_WORDS[COMP_CWORD]} prev="" i w opt rest
	COMPREPLY=()
	_streamutils_load_spec "$cmd" || {
		compopt -o default 2>/dev/null
		return 0
	}
	(( cword > 0 )) && prev=${COMP_WORDS[cword - 1]}

	# "--opt=value" split by COMP_WORDBREAKS into "--opt" "=" "value".
	if [[ $cur == = && $prev == --* ]]; then
		_streamutils_option "$prev" && [[ -n $_streamutils_arg ]] &&
		    _streamutils_values "$_streamutils_comp" "" ""
		return 0
	fi
	if [[ $prev == = ]] && (( cword > 1 )) &&
	    [[ ${COMP_WORDS[cword - 2]} == --* ]]; then
		_streamutils_option "${COMP_WORDS[cword - 2]}" &&
		    [[ -n $_streamutils_arg ]] &&
		    _streamutils_values "$_streamutils_comp" "$cur" ""
		return 0
	fi

	# Is cur an operand (after "--"), or the argument of the word
	# before it?  Scan the words before cur like getopt does.
	local operands_only=0 want_arg=
	for (( i = 1; i < cword; i++ )); do
		w=${COMP_WORDS[i]}
		want_arg=
		if (( operands_only )); then
			continue
		fi
		case $w in
		--) operands_only=1 ;;
		--*=*) ;;
		--*)
			_streamutils_option "$w" &&
			    [[ -n $_streamutils_arg && $_streamutils_arg != \[* ]] &&
			    want_arg=$w
			;;
		-?*)
			# A cluster such as -Fq or -Ff: the first letter that
			# takes an argument takes the rest of the word, or the
			# next word when it is last.
			rest=${w#-}
			while [[ -n $rest ]]; do
				opt=-${rest:0:1}
				rest=${rest:1}
				_streamutils_option "$opt" || break
				if [[ -n $_streamutils_arg && $_streamutils_arg != \[* ]]; then
					[[ -z $rest ]] && want_arg=$opt
					break
				fi
			done
			;;
		esac
		# The argument itself is skipped.
		if [[ -n $want_arg ]] && (( i + 1 < cword )); then
			(( i++ ))
			want_arg=
		fi
	done

	if [[ -n $want_arg ]]; then
		_streamutils_option "$want_arg"
		_streamutils_values "$_streamutils_comp" "$cur" ""
		return 0
	fi
	if (( !operands_only )); then
		case $cur in
		--*=*)
			# "--opt=value" in one word ('=' not in COMP_WORDBREAKS).
			opt=${cur%%=*}
			_streamutils_option "$opt" && [[ -n $_streamutils_arg ]] &&
			    _streamutils_values "$_streamutils_comp" "${cur#*=}" "$opt="
			return 0
			;;
		-)
			_streamutils_names "$cur"
			return 0
			;;
		--*)
			_streamutils_names "$cur"
			return 0
			;;
		-?*)
			# An attached argument, as in -fcsv.
			rest=${cur#-}
			while [[ -n $rest ]]; do
				opt=-${rest:0:1}
				rest=${rest:1}
				_streamutils_option "$opt" || return 0
				if [[ -n $_streamutils_arg && $_streamutils_arg != \[* ]]; then
					_streamutils_values "$_streamutils_comp" "$rest" \
					    "${cur%"$rest"}"
					return 0
				fi
			done
			COMPREPLY=("$cur")
			return 0
			;;
		esac
	fi
	_streamutils_option operands
	_streamutils_values "$_streamutils_comp" "$cur" ""
	return 0
}

# The tools there are now; a tool installed later is completed when
# bash-completion loads this file through the tool's own link, or in the
# next shell.
_streamutils_register()
{
	local -a tools=(stream-source stream-sink)
	local t
	while IFS= read -r t; do
		[[ $t == stream-* && " ${tools[*]} " != *" $t "* ]] &&
		    type -P "$t" >/dev/null && tools+=("$t")
	done < <(compgen -c stream- 2>/dev/null)
	complete -F _streamutils "${tools[@]}"
	# Loaded on demand for a tool whose name is not listed above.
	if [[ -n ${1-} && $1 == stream-* ]]; then
		complete -F _streamutils "$1"
	fi
}
_streamutils_register "${1-}"
unset -f _streamutils_register
