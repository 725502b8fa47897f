#!/bin/sh
# Writes a shell completion for landrun from its template, with the options taken from the CLI's
# own source, so that an option added to the option table is completed without editing the
# completions:   gen-completions.sh bash|zsh|fish src/cli.c TEMPLATE > FILE
# From src/cli.c: the long_options table (names, whether they take a value, short letters), the
# subcommands (the subs[] table of subcommand_help) and the help texts (usage() and each
# NAME_usage[]) for the descriptions and the subcommands' options. The template's line holding
# @GENERATED@ is replaced by the shell's definitions of those lists.
set -eu
shell=$1 src=$2 template=$3

# One record per option, tab-separated: scope (main or a subcommand), short letter, long name,
# value placeholder ("" for none), description.
options() {
	awk '
	function content(line) {
		if (!match(line, /"[^"]*\\n"/)) return ""
		return substr(line, RSTART + 1, RLENGTH - 4)
	}
	# A help line "  -o, --output FILE   text     --other ARG  text": each option with its short
	# letter, value placeholder (upper case) and text, up to the next option after 2+ spaces.
	function help_line(scope, s,    name, short, arg, desc, n) {
		if (s ~ /^ +[^ -]/ && match(s, /^ +/) && RLENGTH >= 20) { # the text of options without one
			sub(/^ +/, "", s)
			for (n = 1; n <= npending; n++) if (!((scope, pending[n]) in desc_of)) desc_of[scope, pending[n]] = s
			npending = 0
			return
		}
		npending = 0
		if (s !~ /^ +-/) return
		while (match(s, /(-[a-zA-Z], )?--[a-z0-9-]+/)) {
			name = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
			short = ""
			if (name ~ /^-[a-zA-Z], /) { short = substr(name, 2, 1); name = substr(name, 5) }
			name = substr(name, 3)
			arg = ""
			if (match(s, /^ [A-Z][^ ]*/)) { arg = substr(s, 2, RLENGTH - 1); s = substr(s, RSTART + RLENGTH) }
			desc = ""
			if (s ~ /^,/) { pending[++npending] = name }
			else if (match(s, /^ +[^ -]/)) {
				s = substr(s, RLENGTH)
				if (match(s, /  +-/)) { desc = substr(s, 1, RSTART - 1); s = substr(s, RSTART) }
				else { desc = s; s = "" }
				sub(/ +$/, "", desc)
			}
			if (desc == "" && s !~ /^,/ && s !~ /^  +-/) pending[++npending] = name
			if (desc != "") desc_of[scope, name] = desc
			if (scope != "main") { sub_opt[scope, ++nsub[scope]] = name; sub_short[scope, name] = short; sub_arg[scope, name] = arg }
			else if (arg != "") arg_of[name] = arg
		}
	}
	/long_options\[\] = \{/ { in_table = 1; next }
	in_table && /\};/ { in_table = 0; next }
	in_table && match($0, /\{ "[a-z0-9-]+", [a-z_]+, NULL, [^ ]+ \}/) {
		split(substr($0, RSTART + 2, RLENGTH - 4), f, ", ")
		name = f[1]; gsub(/"/, "", name)
		main_opt[++nmain] = name
		main_has_arg[name] = f[2] == "required_argument"
		main_short[name] = f[4] ~ /^\x27.\x27$/ ? substr(f[4], 2, 1) : ""
		next
	}
	{
		line = $0
		while (match(line, /\{ "[a-z]+", [a-z]+_usage \}/)) {
			split(substr(line, RSTART + 2, RLENGTH - 4), f, ", ")
			name = f[1]; gsub(/"/, "", name)
			subs[++nsubs] = name
			line = substr(line, RSTART + RLENGTH)
		}
	}
	/^static void usage\(/ { help = "main"; next }
	match($0, /^static const char [a-z]+_usage\[\] =/) {
		help = $4; sub(/_usage.*/, "", help); next
	}
	help != "" && /^}|;$/ { if ($0 ~ /;$/ && $0 ~ /"/) help_line(help, content($0)); help = ""; next }
	help != "" { help_line(help, content($0)) }
	END {
		if (nmain == 0) { print "gen-completions: no option table found" > "/dev/stderr"; exit 1 }
		for (i = 1; i <= nmain; i++) {
			n = main_opt[i]
			arg = main_has_arg[n] ? (n in arg_of ? arg_of[n] : "VALUE") : ""
			printf "main\t%s\t%s\t%s\t%s\n", main_short[n], n, arg, desc_of["main", n]
		}
		for (i = 1; i <= nsubs; i++) {
			s = subs[i]
			printf "subcommand\t\t%s\t\t\n", s
			for (k = 1; k <= nsub[s]; k++) {
				n = sub_opt[s, k]
				printf "%s\t%s\t%s\t%s\t%s\n", s, sub_short[s, n], n, sub_arg[s, n], desc_of[s, n]
			}
			printf "%s\th\thelp\t\tprint the usage of landrun %s\n", s, s
		}
	}' "$src"
}

# bash: for each scope, the options that take a value (NAME_arg) and those that do not (NAME_flag)
bash_lists() {
	awk -F '\t' '
	$1 == "subcommand" { subs = subs " " $3; order[++n] = $3; next }
	!($1 in seen) { seen[$1] = 1; if ($1 == "main") order[++n] = "main" }
	{
		names = ($2 != "" ? "-" $2 " " : "") "--" $3
		if ($4 != "") arg[$1] = arg[$1] " " names; else flag[$1] = flag[$1] " " names
	}
	END {
		printf "\tlocal subcommands=\x27%s\x27\n", substr(subs, 2)
		for (i = 1; i <= n; i++)
			printf "\tlocal %s_arg=\x27%s\x27 %s_flag=\x27%s\x27\n", order[i], substr(arg[order[i]], 2), order[i], substr(flag[order[i]], 2)
	}'
}

# zsh: an _arguments specification array per scope (NAME_specs) and the subcommands
zsh_lists() {
	awk -F '\t' '
	function q(s) { gsub(/\x27/, "\x27\\\x27\x27", s); gsub(/\[/, "(", s); gsub(/\]/, ")", s); gsub(/:/, "\\:", s); return s }
	$1 == "subcommand" { subs = subs " " $3; order[++n] = $3; next }
	!($1 in seen) { seen[$1] = 1; if ($1 == "main") order[++n] = "main" }
	{
		d = "[" q($5) "]"
		value = $4 != "" ? ":" q(tolower($4)) ":_landrun_value " $3 : ""
		if ($2 != "")
			spec = "\x27(-" $2 " --" $3 ")\x27{-" $2 ($4 != "" ? "+" : "") ",--" $3 ($4 != "" ? "=" : "") "}\x27" d value "\x27"
		else
			spec = "\x27--" $3 ($4 != "" ? "=" : "") d value "\x27"
		specs[$1] = specs[$1] "\n\t\t" spec
	}
	END {
		printf "\tlocal -a subcommands=(%s)\n", substr(subs, 2)
		for (i = 1; i <= n; i++) printf "\tlocal -a %s_specs=(%s\n\t)\n", order[i], specs[order[i]]
	}'
}

# fish: one complete line per option, in its scope (__landrun_scope); the value an option takes
# is completed by the template (__landrun_value); the lists of the options that take one
fish_lists() {
	awk -F '\t' '
	function q(s) { gsub(/\\/, "\\\\", s); gsub(/\x27/, "\\\x27", s); return s }
	$1 == "subcommand" {
		subs = subs " " $3
		printf "complete -c landrun -n \x27__landrun_scope main; and __landrun_at 2\x27 -f -a %s\n", $3
		next
	}
	{
		printf "complete -c landrun -n \x27__landrun_scope %s; and __landrun_in_options\x27 %s-l %s%s -d \x27%s\x27\n", \
			$1, ($2 != "" ? "-s " $2 " " : ""), $3, ($4 != "" ? " -x -a \x27(__landrun_value " $3 ")\x27" : " -f"), q($5)
		if ($4 != "") arg[$1] = arg[$1] " " ($2 != "" ? "-" $2 " " : "") "--" $3
	}
	END {
		printf "function __landrun_subcommands\n\tprintf \x27%%s%s\x27 %s\nend\n", "\\n", substr(subs, 2)
		printf "function __landrun_arg_options\n\tswitch $argv[1]\n"
		for (s in arg) printf "\tcase %s\n\t\tprintf \x27%%s%s\x27 %s\n", s, "\\n", substr(arg[s], 2)
		printf "\tend\nend\n"
	}'
}

generated=$(options | "${shell}_lists")
export generated # not awk -v, which would read backslashes as escapes
awk '/@GENERATED@/ { print ENVIRON["generated"]; next } { print }' "$template"
