
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tagpilot' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tagpilot'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tagpilot' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch')
            [CompletionResult]::new('--git-remote', '--git-remote', [CompletionResultType]::ParameterName, 'Remote to push to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only scan below these paths, relative to the repository root (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--default-namespace', '--default-namespace', [CompletionResultType]::ParameterName, 'Namespace of a manifest that names none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list-workloads', 'list-workloads', [CompletionResultType]::ParameterValue, 'List the workloads, their containers, images and policies (no network)')
            [CompletionResult]::new('automate', 'automate', [CompletionResultType]::ParameterValue, 'Turn on automated image updates for a workload')
            [CompletionResult]::new('deautomate', 'deautomate', [CompletionResultType]::ParameterValue, 'Turn off automated image updates for a workload')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Lock a workload: no image updates by sync or release')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock a workload')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Change a workload''s policies: tag filters, automation, lock')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tagpilot;list-workloads' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Only this workload: `namespace:kind/name` or `kind/name` (repeatable)')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'Only this workload: `namespace:kind/name` or `kind/name` (repeatable)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch')
            [CompletionResult]::new('--git-remote', '--git-remote', [CompletionResultType]::ParameterName, 'Remote to push to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only scan below these paths, relative to the repository root (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--default-namespace', '--default-namespace', [CompletionResultType]::ParameterName, 'Namespace of a manifest that names none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tagpilot;automate' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--git-user', '--git-user', [CompletionResultType]::ParameterName, 'Committer name [default: the repository''s git config, else tagpilot]')
            [CompletionResult]::new('--git-email', '--git-email', [CompletionResultType]::ParameterName, 'Committer email [default: the repository''s git config, else tagpilot@localhost]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Recorded as the commit author (and the lock''s user): "Name <email>"')
            [CompletionResult]::new('--ci-skip-message', '--ci-skip-message', [CompletionResultType]::ParameterName, 'The text --ci-skip appends')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch')
            [CompletionResult]::new('--git-remote', '--git-remote', [CompletionResultType]::ParameterName, 'Remote to push to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only scan below these paths, relative to the repository root (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--default-namespace', '--default-namespace', [CompletionResultType]::ParameterName, 'Namespace of a manifest that names none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Compute and print the result, write nothing')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Also print a unified diff of every file changed or to be changed')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the files, do not commit')
            [CompletionResult]::new('--no-push', '--no-push', [CompletionResultType]::ParameterName, 'Commit, do not push')
            [CompletionResult]::new('--ci-skip', '--ci-skip', [CompletionResultType]::ParameterName, 'Append "\n\n[ci skip]" to every commit message')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit with 3 when something was (or, with --dry-run, would be) changed')
            [CompletionResult]::new('--allow-dirty', '--allow-dirty', [CompletionResultType]::ParameterName, 'Allow writing files that have uncommitted changes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tagpilot;deautomate' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--git-user', '--git-user', [CompletionResultType]::ParameterName, 'Committer name [default: the repository''s git config, else tagpilot]')
            [CompletionResult]::new('--git-email', '--git-email', [CompletionResultType]::ParameterName, 'Committer email [default: the repository''s git config, else tagpilot@localhost]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Recorded as the commit author (and the lock''s user): "Name <email>"')
            [CompletionResult]::new('--ci-skip-message', '--ci-skip-message', [CompletionResultType]::ParameterName, 'The text --ci-skip appends')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch')
            [CompletionResult]::new('--git-remote', '--git-remote', [CompletionResultType]::ParameterName, 'Remote to push to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only scan below these paths, relative to the repository root (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--default-namespace', '--default-namespace', [CompletionResultType]::ParameterName, 'Namespace of a manifest that names none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Compute and print the result, write nothing')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Also print a unified diff of every file changed or to be changed')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the files, do not commit')
            [CompletionResult]::new('--no-push', '--no-push', [CompletionResultType]::ParameterName, 'Commit, do not push')
            [CompletionResult]::new('--ci-skip', '--ci-skip', [CompletionResultType]::ParameterName, 'Append "\n\n[ci skip]" to every commit message')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit with 3 when something was (or, with --dry-run, would be) changed')
            [CompletionResult]::new('--allow-dirty', '--allow-dirty', [CompletionResultType]::ParameterName, 'Allow writing files that have uncommitted changes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tagpilot;lock' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--git-user', '--git-user', [CompletionResultType]::ParameterName, 'Committer name [default: the repository''s git config, else tagpilot]')
            [CompletionResult]::new('--git-email', '--git-email', [CompletionResultType]::ParameterName, 'Committer email [default: the repository''s git config, else tagpilot@localhost]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Recorded as the commit author (and the lock''s user): "Name <email>"')
            [CompletionResult]::new('--ci-skip-message', '--ci-skip-message', [CompletionResultType]::ParameterName, 'The text --ci-skip appends')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch')
            [CompletionResult]::new('--git-remote', '--git-remote', [CompletionResultType]::ParameterName, 'Remote to push to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only scan below these paths, relative to the repository root (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--default-namespace', '--default-namespace', [CompletionResultType]::ParameterName, 'Namespace of a manifest that names none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Compute and print the result, write nothing')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Also print a unified diff of every file changed or to be changed')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the files, do not commit')
            [CompletionResult]::new('--no-push', '--no-push', [CompletionResultType]::ParameterName, 'Commit, do not push')
            [CompletionResult]::new('--ci-skip', '--ci-skip', [CompletionResultType]::ParameterName, 'Append "\n\n[ci skip]" to every commit message')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit with 3 when something was (or, with --dry-run, would be) changed')
            [CompletionResult]::new('--allow-dirty', '--allow-dirty', [CompletionResultType]::ParameterName, 'Allow writing files that have uncommitted changes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tagpilot;unlock' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--git-user', '--git-user', [CompletionResultType]::ParameterName, 'Committer name [default: the repository''s git config, else tagpilot]')
            [CompletionResult]::new('--git-email', '--git-email', [CompletionResultType]::ParameterName, 'Committer email [default: the repository''s git config, else tagpilot@localhost]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Recorded as the commit author (and the lock''s user): "Name <email>"')
            [CompletionResult]::new('--ci-skip-message', '--ci-skip-message', [CompletionResultType]::ParameterName, 'The text --ci-skip appends')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch')
            [CompletionResult]::new('--git-remote', '--git-remote', [CompletionResultType]::ParameterName, 'Remote to push to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only scan below these paths, relative to the repository root (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--default-namespace', '--default-namespace', [CompletionResultType]::ParameterName, 'Namespace of a manifest that names none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Compute and print the result, write nothing')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Also print a unified diff of every file changed or to be changed')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the files, do not commit')
            [CompletionResult]::new('--no-push', '--no-push', [CompletionResultType]::ParameterName, 'Commit, do not push')
            [CompletionResult]::new('--ci-skip', '--ci-skip', [CompletionResultType]::ParameterName, 'Append "\n\n[ci skip]" to every commit message')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit with 3 when something was (or, with --dry-run, would be) changed')
            [CompletionResult]::new('--allow-dirty', '--allow-dirty', [CompletionResultType]::ParameterName, 'Allow writing files that have uncommitted changes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tagpilot;policy' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'The workload: `namespace:kind/name` or `kind/name`')
            [CompletionResult]::new('--tag-all', '--tag-all', [CompletionResultType]::ParameterName, 'Tag filter for every container (`*` removes the filters)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Tag filter for one container: CONTAINER=PATTERN (`*` removes it; repeatable)')
            [CompletionResult]::new('--git-user', '--git-user', [CompletionResultType]::ParameterName, 'Committer name [default: the repository''s git config, else tagpilot]')
            [CompletionResult]::new('--git-email', '--git-email', [CompletionResultType]::ParameterName, 'Committer email [default: the repository''s git config, else tagpilot@localhost]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Commit message; for lock also the lock message')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Recorded as the commit author (and the lock''s user): "Name <email>"')
            [CompletionResult]::new('--ci-skip-message', '--ci-skip-message', [CompletionResultType]::ParameterName, 'The text --ci-skip appends')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch')
            [CompletionResult]::new('--git-remote', '--git-remote', [CompletionResultType]::ParameterName, 'Remote to push to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only scan below these paths, relative to the repository root (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--default-namespace', '--default-namespace', [CompletionResultType]::ParameterName, 'Namespace of a manifest that names none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--automate', '--automate', [CompletionResultType]::ParameterName, 'Turn on automated image updates')
            [CompletionResult]::new('--deautomate', '--deautomate', [CompletionResultType]::ParameterName, 'Turn off automated image updates')
            [CompletionResult]::new('--lock', '--lock', [CompletionResultType]::ParameterName, 'Lock the workload')
            [CompletionResult]::new('--unlock', '--unlock', [CompletionResultType]::ParameterName, 'Unlock the workload')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Compute and print the result, write nothing')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Also print a unified diff of every file changed or to be changed')
            [CompletionResult]::new('--no-commit', '--no-commit', [CompletionResultType]::ParameterName, 'Write the files, do not commit')
            [CompletionResult]::new('--no-push', '--no-push', [CompletionResultType]::ParameterName, 'Commit, do not push')
            [CompletionResult]::new('--ci-skip', '--ci-skip', [CompletionResultType]::ParameterName, 'Append "\n\n[ci skip]" to every commit message')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit with 3 when something was (or, with --dry-run, would be) changed')
            [CompletionResult]::new('--allow-dirty', '--allow-dirty', [CompletionResultType]::ParameterName, 'Allow writing files that have uncommitted changes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tagpilot;completions' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The git work tree that holds the manifests (searched upwards for `.git`); the list commands also accept a plain directory')
            [CompletionResult]::new('--git-branch', '--git-branch', [CompletionResultType]::ParameterName, 'Branch to read, commit to and push; in --repo mode it must be the checked-out branch')
            [CompletionResult]::new('--git-remote', '--git-remote', [CompletionResultType]::ParameterName, 'Remote to push to')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only scan below these paths, relative to the repository root (repeatable)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only workloads in this namespace')
            [CompletionResult]::new('--default-namespace', '--default-namespace', [CompletionResultType]::ParameterName, 'Namespace of a manifest that names none')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the command''s result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr (repeatable)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only print errors on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tagpilot;help' {
            [CompletionResult]::new('list-workloads', 'list-workloads', [CompletionResultType]::ParameterValue, 'List the workloads, their containers, images and policies (no network)')
            [CompletionResult]::new('automate', 'automate', [CompletionResultType]::ParameterValue, 'Turn on automated image updates for a workload')
            [CompletionResult]::new('deautomate', 'deautomate', [CompletionResultType]::ParameterValue, 'Turn off automated image updates for a workload')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Lock a workload: no image updates by sync or release')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'Unlock a workload')
            [CompletionResult]::new('policy', 'policy', [CompletionResultType]::ParameterValue, 'Change a workload''s policies: tag filters, automation, lock')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tagpilot;help;list-workloads' {
            break
        }
        'tagpilot;help;automate' {
            break
        }
        'tagpilot;help;deautomate' {
            break
        }
        'tagpilot;help;lock' {
            break
        }
        'tagpilot;help;unlock' {
            break
        }
        'tagpilot;help;policy' {
            break
        }
        'tagpilot;help;completions' {
            break
        }
        'tagpilot;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
