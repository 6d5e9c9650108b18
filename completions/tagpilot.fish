# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tagpilot_global_optspecs
    string join \n repo= git-url= git-ssh-key= git-known-hosts= git-branch= git-remote= path= n/namespace= default-namespace= o/output= report-html= metrics-file= v/verbose q/quiet config= trust-repo-config color= platform= docker-config= insecure-registry= registry-ca= include-image= exclude-image= concurrency= registry-rps= timeout= deadline= max-tags= time-source= cache-dir= no-cache refresh h/help V/version
end

function __fish_tagpilot_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tagpilot_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tagpilot_using_subcommand
    set -l cmd (__fish_tagpilot_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tagpilot -n "__fish_tagpilot_needs_command" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_needs_command" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "list-workloads" -d 'List the workloads, their containers, images and policies (no network)'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "list-images" -d 'List the tags of every container\'s image, newest allowed first, with build times'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "automate" -d 'Turn on automated image updates for a workload'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "deautomate" -d 'Turn off automated image updates for a workload'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "lock" -d 'Lock a workload: no image updates by sync or release'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "unlock" -d 'Unlock a workload'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "policy" -d 'Change a workload\'s policies: tag filters, automation, lock'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "release" -d 'Move workloads to an image tag, or every container to its newest allowed tag'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "sync" -d 'Update every automated, unlocked workload to its newest allowed tags'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c tagpilot -n "__fish_tagpilot_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -s w -l workload -d 'Only this workload: `namespace:kind/name` or `kind/name` (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-workloads" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -s w -l workload -d 'Only this workload: `namespace:kind/name` or `kind/name` (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -s l -l limit -d 'Show at most N tags per container (0 = all); the current tag is always shown' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l no-headers -d 'Leave out the header row'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand list-images" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -s w -l workload -d 'The workload: `namespace:kind/name` or `kind/name`' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l git-user -d 'Committer name [default: the repository\'s git config, else tagpilot]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l git-email -d 'Committer email [default: the repository\'s git config, else tagpilot@localhost]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l ci-skip-message -d 'The text --ci-skip appends' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l sign-key -d 'Sign commits with this key (gpg.format openpgp: a key ID; ssh: a key file or public key) [default: user.signingkey when commit.gpgsign is true]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l verify -d 'Run this shell command in the work tree after the files are written and before anything is committed; if it fails, the files are put back, nothing is committed and tagpilot exits 1 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l after-push -d 'Run this shell command after a successful push, with the JSON report on its stdin; if it fails, tagpilot warns and exits 4 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l push-retries -d 'On a rejected push: fetch, re-plan on the new head, commit and push again, this often' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l push-branch -d 'Commit on top of the base branch and push to this branch instead; `{image}` and `{workload}` expand per group (see --group)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l forge -d 'The forge\'s API [default: from the remote URL\'s host]' -r -f -a "github\t'GitHub and GitHub Enterprise'
gitlab\t'GitLab'
gitea\t'Gitea and Forgejo'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l forge-url -d 'The forge\'s API root, for a self-hosted forge (GitHub Enterprise: https://HOST/api/v3)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l forge-repo -d 'The repository on the forge [default: the remote URL\'s last two path parts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l group -d 'One branch (and pull request) per run, per workload or per image' -r -f -a "all\t'One branch for the whole run'
workload\t'One branch per workload'
image\t'One branch per image'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l label -d 'Add this label to a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l reviewer -d 'Ask this user to review a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l notify -d 'Post the result to this URL after a change or a failure (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l notify-format -d 'Format of the notifications' -r -f -a "json\t'The JSON report'
slack\t'`{"text": …}` for a Slack incoming webhook'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -s m -l message -d 'Commit message [default: Flux v1\'s]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l user -d 'Commit author: "Name <email>"' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l dry-run -d 'Compute and print the result, write nothing'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l diff -d 'Also print a unified diff of every file changed or to be changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l no-commit -d 'Write the files, do not commit'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l no-push -d 'Commit, do not push'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l ci-skip -d 'Append "\\n\\n[ci skip]" to every commit message'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l exit-code -d 'Exit with 3 when something was (or, with --dry-run, would be) changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l allow-dirty -d 'Allow writing files that have uncommitted changes'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l pull-request -d 'With --push-branch: open or update a pull (merge) request into the base branch'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l close-stale -d 'Close tagpilot\'s open pull request, with a comment, when nothing is left to change'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand automate" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -s w -l workload -d 'The workload: `namespace:kind/name` or `kind/name`' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l git-user -d 'Committer name [default: the repository\'s git config, else tagpilot]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l git-email -d 'Committer email [default: the repository\'s git config, else tagpilot@localhost]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l ci-skip-message -d 'The text --ci-skip appends' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l sign-key -d 'Sign commits with this key (gpg.format openpgp: a key ID; ssh: a key file or public key) [default: user.signingkey when commit.gpgsign is true]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l verify -d 'Run this shell command in the work tree after the files are written and before anything is committed; if it fails, the files are put back, nothing is committed and tagpilot exits 1 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l after-push -d 'Run this shell command after a successful push, with the JSON report on its stdin; if it fails, tagpilot warns and exits 4 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l push-retries -d 'On a rejected push: fetch, re-plan on the new head, commit and push again, this often' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l push-branch -d 'Commit on top of the base branch and push to this branch instead; `{image}` and `{workload}` expand per group (see --group)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l forge -d 'The forge\'s API [default: from the remote URL\'s host]' -r -f -a "github\t'GitHub and GitHub Enterprise'
gitlab\t'GitLab'
gitea\t'Gitea and Forgejo'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l forge-url -d 'The forge\'s API root, for a self-hosted forge (GitHub Enterprise: https://HOST/api/v3)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l forge-repo -d 'The repository on the forge [default: the remote URL\'s last two path parts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l group -d 'One branch (and pull request) per run, per workload or per image' -r -f -a "all\t'One branch for the whole run'
workload\t'One branch per workload'
image\t'One branch per image'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l label -d 'Add this label to a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l reviewer -d 'Ask this user to review a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l notify -d 'Post the result to this URL after a change or a failure (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l notify-format -d 'Format of the notifications' -r -f -a "json\t'The JSON report'
slack\t'`{"text": …}` for a Slack incoming webhook'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -s m -l message -d 'Commit message [default: Flux v1\'s]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l user -d 'Commit author: "Name <email>"' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l dry-run -d 'Compute and print the result, write nothing'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l diff -d 'Also print a unified diff of every file changed or to be changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l no-commit -d 'Write the files, do not commit'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l no-push -d 'Commit, do not push'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l ci-skip -d 'Append "\\n\\n[ci skip]" to every commit message'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l exit-code -d 'Exit with 3 when something was (or, with --dry-run, would be) changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l allow-dirty -d 'Allow writing files that have uncommitted changes'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l pull-request -d 'With --push-branch: open or update a pull (merge) request into the base branch'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l close-stale -d 'Close tagpilot\'s open pull request, with a comment, when nothing is left to change'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand deautomate" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -s w -l workload -d 'The workload: `namespace:kind/name` or `kind/name`' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l git-user -d 'Committer name [default: the repository\'s git config, else tagpilot]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l git-email -d 'Committer email [default: the repository\'s git config, else tagpilot@localhost]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -s m -l message -d 'Commit message; for lock also the lock message' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l user -d 'Recorded as the commit author and the lock\'s user: "Name <email>" [default for the lock: the committer, from --git-user/--git-email or git\'s user.name/user.email]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l ci-skip-message -d 'The text --ci-skip appends' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l sign-key -d 'Sign commits with this key (gpg.format openpgp: a key ID; ssh: a key file or public key) [default: user.signingkey when commit.gpgsign is true]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l verify -d 'Run this shell command in the work tree after the files are written and before anything is committed; if it fails, the files are put back, nothing is committed and tagpilot exits 1 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l after-push -d 'Run this shell command after a successful push, with the JSON report on its stdin; if it fails, tagpilot warns and exits 4 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l push-retries -d 'On a rejected push: fetch, re-plan on the new head, commit and push again, this often' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l push-branch -d 'Commit on top of the base branch and push to this branch instead; `{image}` and `{workload}` expand per group (see --group)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l forge -d 'The forge\'s API [default: from the remote URL\'s host]' -r -f -a "github\t'GitHub and GitHub Enterprise'
gitlab\t'GitLab'
gitea\t'Gitea and Forgejo'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l forge-url -d 'The forge\'s API root, for a self-hosted forge (GitHub Enterprise: https://HOST/api/v3)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l forge-repo -d 'The repository on the forge [default: the remote URL\'s last two path parts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l group -d 'One branch (and pull request) per run, per workload or per image' -r -f -a "all\t'One branch for the whole run'
workload\t'One branch per workload'
image\t'One branch per image'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l label -d 'Add this label to a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l reviewer -d 'Ask this user to review a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l notify -d 'Post the result to this URL after a change or a failure (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l notify-format -d 'Format of the notifications' -r -f -a "json\t'The JSON report'
slack\t'`{"text": …}` for a Slack incoming webhook'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l dry-run -d 'Compute and print the result, write nothing'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l diff -d 'Also print a unified diff of every file changed or to be changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l no-commit -d 'Write the files, do not commit'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l no-push -d 'Commit, do not push'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l ci-skip -d 'Append "\\n\\n[ci skip]" to every commit message'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l exit-code -d 'Exit with 3 when something was (or, with --dry-run, would be) changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l allow-dirty -d 'Allow writing files that have uncommitted changes'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l pull-request -d 'With --push-branch: open or update a pull (merge) request into the base branch'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l close-stale -d 'Close tagpilot\'s open pull request, with a comment, when nothing is left to change'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand lock" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -s w -l workload -d 'The workload: `namespace:kind/name` or `kind/name`' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l git-user -d 'Committer name [default: the repository\'s git config, else tagpilot]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l git-email -d 'Committer email [default: the repository\'s git config, else tagpilot@localhost]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l ci-skip-message -d 'The text --ci-skip appends' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l sign-key -d 'Sign commits with this key (gpg.format openpgp: a key ID; ssh: a key file or public key) [default: user.signingkey when commit.gpgsign is true]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l verify -d 'Run this shell command in the work tree after the files are written and before anything is committed; if it fails, the files are put back, nothing is committed and tagpilot exits 1 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l after-push -d 'Run this shell command after a successful push, with the JSON report on its stdin; if it fails, tagpilot warns and exits 4 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l push-retries -d 'On a rejected push: fetch, re-plan on the new head, commit and push again, this often' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l push-branch -d 'Commit on top of the base branch and push to this branch instead; `{image}` and `{workload}` expand per group (see --group)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l forge -d 'The forge\'s API [default: from the remote URL\'s host]' -r -f -a "github\t'GitHub and GitHub Enterprise'
gitlab\t'GitLab'
gitea\t'Gitea and Forgejo'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l forge-url -d 'The forge\'s API root, for a self-hosted forge (GitHub Enterprise: https://HOST/api/v3)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l forge-repo -d 'The repository on the forge [default: the remote URL\'s last two path parts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l group -d 'One branch (and pull request) per run, per workload or per image' -r -f -a "all\t'One branch for the whole run'
workload\t'One branch per workload'
image\t'One branch per image'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l label -d 'Add this label to a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l reviewer -d 'Ask this user to review a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l notify -d 'Post the result to this URL after a change or a failure (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l notify-format -d 'Format of the notifications' -r -f -a "json\t'The JSON report'
slack\t'`{"text": …}` for a Slack incoming webhook'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -s m -l message -d 'Commit message [default: Flux v1\'s]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l user -d 'Commit author: "Name <email>"' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l dry-run -d 'Compute and print the result, write nothing'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l diff -d 'Also print a unified diff of every file changed or to be changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l no-commit -d 'Write the files, do not commit'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l no-push -d 'Commit, do not push'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l ci-skip -d 'Append "\\n\\n[ci skip]" to every commit message'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l exit-code -d 'Exit with 3 when something was (or, with --dry-run, would be) changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l allow-dirty -d 'Allow writing files that have uncommitted changes'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l pull-request -d 'With --push-branch: open or update a pull (merge) request into the base branch'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l close-stale -d 'Close tagpilot\'s open pull request, with a comment, when nothing is left to change'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand unlock" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -s w -l workload -d 'The workload: `namespace:kind/name` or `kind/name`' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l tag-all -d 'Tag filter for every container (`*` removes the filters)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l tag -d 'Tag filter for one container: CONTAINER=PATTERN (`*` removes it; repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l git-user -d 'Committer name [default: the repository\'s git config, else tagpilot]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l git-email -d 'Committer email [default: the repository\'s git config, else tagpilot@localhost]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l ci-skip-message -d 'The text --ci-skip appends' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l sign-key -d 'Sign commits with this key (gpg.format openpgp: a key ID; ssh: a key file or public key) [default: user.signingkey when commit.gpgsign is true]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l verify -d 'Run this shell command in the work tree after the files are written and before anything is committed; if it fails, the files are put back, nothing is committed and tagpilot exits 1 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l after-push -d 'Run this shell command after a successful push, with the JSON report on its stdin; if it fails, tagpilot warns and exits 4 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l push-retries -d 'On a rejected push: fetch, re-plan on the new head, commit and push again, this often' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l push-branch -d 'Commit on top of the base branch and push to this branch instead; `{image}` and `{workload}` expand per group (see --group)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l forge -d 'The forge\'s API [default: from the remote URL\'s host]' -r -f -a "github\t'GitHub and GitHub Enterprise'
gitlab\t'GitLab'
gitea\t'Gitea and Forgejo'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l forge-url -d 'The forge\'s API root, for a self-hosted forge (GitHub Enterprise: https://HOST/api/v3)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l forge-repo -d 'The repository on the forge [default: the remote URL\'s last two path parts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l group -d 'One branch (and pull request) per run, per workload or per image' -r -f -a "all\t'One branch for the whole run'
workload\t'One branch per workload'
image\t'One branch per image'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l label -d 'Add this label to a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l reviewer -d 'Ask this user to review a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l notify -d 'Post the result to this URL after a change or a failure (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l notify-format -d 'Format of the notifications' -r -f -a "json\t'The JSON report'
slack\t'`{"text": …}` for a Slack incoming webhook'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -s m -l message -d 'Commit message [default: Flux v1\'s]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l user -d 'Commit author: "Name <email>"' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l automate -d 'Turn on automated image updates'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l deautomate -d 'Turn off automated image updates'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l lock -d 'Lock the workload'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l unlock -d 'Unlock the workload'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l dry-run -d 'Compute and print the result, write nothing'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l diff -d 'Also print a unified diff of every file changed or to be changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l no-commit -d 'Write the files, do not commit'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l no-push -d 'Commit, do not push'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l ci-skip -d 'Append "\\n\\n[ci skip]" to every commit message'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l exit-code -d 'Exit with 3 when something was (or, with --dry-run, would be) changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l allow-dirty -d 'Allow writing files that have uncommitted changes'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l pull-request -d 'With --push-branch: open or update a pull (merge) request into the base branch'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l close-stale -d 'Close tagpilot\'s open pull request, with a comment, when nothing is left to change'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand policy" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s w -l workload -d 'A workload to release: `namespace:kind/name` or `kind/name` (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s i -l update-image -d 'The image to release, with its tag: every container using this image moves to the tag' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l exclude -d 'Leave this workload alone (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l git-user -d 'Committer name [default: the repository\'s git config, else tagpilot]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l git-email -d 'Committer email [default: the repository\'s git config, else tagpilot@localhost]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l ci-skip-message -d 'The text --ci-skip appends' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l sign-key -d 'Sign commits with this key (gpg.format openpgp: a key ID; ssh: a key file or public key) [default: user.signingkey when commit.gpgsign is true]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l verify -d 'Run this shell command in the work tree after the files are written and before anything is committed; if it fails, the files are put back, nothing is committed and tagpilot exits 1 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l after-push -d 'Run this shell command after a successful push, with the JSON report on its stdin; if it fails, tagpilot warns and exits 4 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l push-retries -d 'On a rejected push: fetch, re-plan on the new head, commit and push again, this often' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l push-branch -d 'Commit on top of the base branch and push to this branch instead; `{image}` and `{workload}` expand per group (see --group)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l forge -d 'The forge\'s API [default: from the remote URL\'s host]' -r -f -a "github\t'GitHub and GitHub Enterprise'
gitlab\t'GitLab'
gitea\t'Gitea and Forgejo'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l forge-url -d 'The forge\'s API root, for a self-hosted forge (GitHub Enterprise: https://HOST/api/v3)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l forge-repo -d 'The repository on the forge [default: the remote URL\'s last two path parts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l group -d 'One branch (and pull request) per run, per workload or per image' -r -f -a "all\t'One branch for the whole run'
workload\t'One branch per workload'
image\t'One branch per image'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l label -d 'Add this label to a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l reviewer -d 'Ask this user to review a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l notify -d 'Post the result to this URL after a change or a failure (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l notify-format -d 'Format of the notifications' -r -f -a "json\t'The JSON report'
slack\t'`{"text": …}` for a Slack incoming webhook'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s m -l message -d 'Commit message [default: Flux v1\'s]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l user -d 'Commit author: "Name <email>"' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l all -d 'Release every workload under --path'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l update-all-images -d 'Move every container to its newest allowed tag'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l force -d 'Release locked workloads named with -w, and ignore tag filters with -i'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l no-verify -d 'Do not check that the tag of -i exists in the registry'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l dry-run -d 'Compute and print the result, write nothing'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l diff -d 'Also print a unified diff of every file changed or to be changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l no-commit -d 'Write the files, do not commit'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l no-push -d 'Commit, do not push'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l ci-skip -d 'Append "\\n\\n[ci skip]" to every commit message'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l exit-code -d 'Exit with 3 when something was (or, with --dry-run, would be) changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l allow-dirty -d 'Allow writing files that have uncommitted changes'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l pull-request -d 'With --push-branch: open or update a pull (merge) request into the base branch'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l close-stale -d 'Close tagpilot\'s open pull request, with a comment, when nothing is left to change'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand release" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l git-user -d 'Committer name [default: the repository\'s git config, else tagpilot]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l git-email -d 'Committer email [default: the repository\'s git config, else tagpilot@localhost]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l ci-skip-message -d 'The text --ci-skip appends' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l sign-key -d 'Sign commits with this key (gpg.format openpgp: a key ID; ssh: a key file or public key) [default: user.signingkey when commit.gpgsign is true]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l verify -d 'Run this shell command in the work tree after the files are written and before anything is committed; if it fails, the files are put back, nothing is committed and tagpilot exits 1 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l after-push -d 'Run this shell command after a successful push, with the JSON report on its stdin; if it fails, tagpilot warns and exits 4 (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l push-retries -d 'On a rejected push: fetch, re-plan on the new head, commit and push again, this often' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l push-branch -d 'Commit on top of the base branch and push to this branch instead; `{image}` and `{workload}` expand per group (see --group)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l forge -d 'The forge\'s API [default: from the remote URL\'s host]' -r -f -a "github\t'GitHub and GitHub Enterprise'
gitlab\t'GitLab'
gitea\t'Gitea and Forgejo'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l forge-url -d 'The forge\'s API root, for a self-hosted forge (GitHub Enterprise: https://HOST/api/v3)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l forge-repo -d 'The repository on the forge [default: the remote URL\'s last two path parts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l group -d 'One branch (and pull request) per run, per workload or per image' -r -f -a "all\t'One branch for the whole run'
workload\t'One branch per workload'
image\t'One branch per image'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l label -d 'Add this label to a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l reviewer -d 'Ask this user to review a new pull request (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l notify -d 'Post the result to this URL after a change or a failure (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l notify-format -d 'Format of the notifications' -r -f -a "json\t'The JSON report'
slack\t'`{"text": …}` for a Slack incoming webhook'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -s m -l message -d 'Commit message [default: Flux v1\'s]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l user -d 'Commit author: "Name <email>"' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l dry-run -d 'Compute and print the result, write nothing'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l diff -d 'Also print a unified diff of every file changed or to be changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l no-commit -d 'Write the files, do not commit'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l no-push -d 'Commit, do not push'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l ci-skip -d 'Append "\\n\\n[ci skip]" to every commit message'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l exit-code -d 'Exit with 3 when something was (or, with --dry-run, would be) changed'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l allow-dirty -d 'Allow writing files that have uncommitted changes'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l pull-request -d 'With --push-branch: open or update a pull (merge) request into the base branch'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l close-stale -d 'Close tagpilot\'s open pull request, with a comment, when nothing is left to change'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand sync" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l repo -d 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l git-url -d 'Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l git-branch -d 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l git-remote -d 'Remote to push to' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l git-ssh-key -d 'SSH private key for git over SSH [default: ssh-agent]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l git-known-hosts -d 'SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts, then /etc/ssh/ssh_known_hosts]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l path -d 'Only scan below these paths, relative to the repository root (repeatable)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -s n -l namespace -d 'Only workloads in this namespace' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l default-namespace -d 'Namespace of a manifest that names none' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l config -d 'Configuration file (YAML; keys are the long options in camelCase) [default: .tagpilot.yaml at the top of the repository, if present]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l platform -d 'Which image of a multi-platform tag to read' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l docker-config -d 'Registry credentials: a Docker config.json, or a directory holding one [default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l insecure-registry -d 'Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l registry-ca -d 'Also trust the CA certificates in this PEM file for every registry (repeatable) [default: the system\'s, which SSL_CERT_FILE and SSL_CERT_DIR can change]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l include-image -d 'Only images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l exclude-image -d 'Skip images whose canonical name matches this glob (repeatable)' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l concurrency -d 'Registry requests in flight at once' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l registry-rps -d 'Requests per second per registry host; 0 for no fixed cap (concurrency bounds the load). A 429 halves a host\'s rate, which then recovers over ten seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l timeout -d 'Timeout of one HTTP request, in seconds' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l deadline -d 'Time for the whole registry phase, in seconds; repositories not finished by then fail' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l max-tags -d 'Most tags one repository may have; a longer tags list is an error for it' -r
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l time-source -d 'Which time orders glob and regex candidates: when the image was built, or when the tag was last pushed (from the registry\'s own API: Docker Hub, Quay, ACR, GitHub, Google)' -r -f -a "built\t'When the image was built (its config\'s `created`)'
pushed\t'When the tag was last pushed, as the registry\'s own API says'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l cache-dir -d 'On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -s o -l output -d 'Output format of the command\'s result' -r -f -a "table\t'Aligned columns, as fluxctl prints them'
json\t'One JSON document'
markdown\t'Markdown tables, for CI job summaries and pull request bodies'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l color -d 'Colour on a terminal (`auto` honours NO_COLOR)' -r -f -a "auto\t'When stderr is a terminal and NO_COLOR is not set'
always\t'Always'
never\t'Never'"
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l metrics-file -d 'Write Prometheus metrics of the run to FILE, for node_exporter\'s textfile collector' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l report-html -d 'Also write the result as a self-contained HTML page to FILE (list-images, release, sync)' -r -F
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l trust-repo-config -d 'Let the repository\'s own .tagpilot.yaml set the keys that widen what tagpilot trusts (insecure registries, CA files, notification URLs, report files, the cache and credential locations); without it they are ignored with a warning'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l no-cache -d 'Do not use the cache'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -l refresh -d 'Re-check every tag now'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -s v -l verbose -d 'More log detail on stderr: -v one line per registry request, -vv also its answer\'s headers'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand completions" -s q -l quiet -d 'Only print errors on stderr'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "list-workloads" -d 'List the workloads, their containers, images and policies (no network)'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "list-images" -d 'List the tags of every container\'s image, newest allowed first, with build times'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "automate" -d 'Turn on automated image updates for a workload'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "deautomate" -d 'Turn off automated image updates for a workload'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "lock" -d 'Lock a workload: no image updates by sync or release'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "unlock" -d 'Unlock a workload'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "policy" -d 'Change a workload\'s policies: tag filters, automation, lock'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "release" -d 'Move workloads to an image tag, or every container to its newest allowed tag'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "sync" -d 'Update every automated, unlocked workload to its newest allowed tags'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c tagpilot -n "__fish_tagpilot_using_subcommand help; and not __fish_seen_subcommand_from list-workloads list-images automate deautomate lock unlock policy release sync completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
