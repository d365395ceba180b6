/** `bitbucket-2fa-gate --help`. The CLI table in docs/reference.md is checked against the flags named here. */
export const HELP = `Usage: bitbucket-2fa-gate --workspace <slug> [options]
       bitbucket-2fa-gate --repository <workspace/repo_slug> [options]
       bitbucket-2fa-gate pipe   (the Bitbucket Pipelines pipe: reads the pipe's variables)

Checks that every member of one or more Bitbucket Cloud workspaces (or everyone who can
write to the given repositories) has two-factor authentication on. Exit code: 0 compliant, 1 not compliant, 2 no verdict (bad usage,
bad input, or the check itself failed) or a file asked for that could not be written.

Options:
  --workspace <slug>        Workspace slug or braced {uuid}; repeat it or separate with commas.
                            Default: $BITBUCKET_WORKSPACE. With --repository: optional (the
                            repositories' workspaces; if given, it must name the same ones).
  --repository <ws/slug>    A Bitbucket repository (workspace/repo_slug, or a bare repo_slug
                            with one workspace); repeat it or separate with commas. Judges only
                            who can ship it: everyone with write or admin, and the workspace
                            admins. Needs scope read:repository:bitbucket too.
  --email <email>           Atlassian account email of the admin who owns the API token.
                            Default: $BITBUCKET_EMAIL.
  --token <token>           Atlassian API token (with --email) or access token (without).
                            Default: $BITBUCKET_TOKEN. Prefer the variable: flags land in
                            your shell history and in the process list.
  --oauth-client-id <key>   The Key of a private OAuth consumer (Account: Read), instead of
                            --email/--token; its Secret only from $BITBUCKET_OAUTH_CLIENT_SECRET.
                            Default: $BITBUCKET_OAUTH_CLIENT_ID.
  --oauth-token-url <url>   Where the consumer's token is bought, https:// only. Default:
                            $BITBUCKET_OAUTH_TOKEN_URL, else
                            https://bitbucket.org/site/oauth2/access_token.
  --api-url <url>           Bitbucket Cloud API base URL, https:// only.
                            Default: $BITBUCKET_API_URL, else https://api.bitbucket.org/2.0.
  --atlassian-org-id <id>   An Atlassian organization to ask about Atlassian-account two-step
                            verification of the people Bitbucket does not prove.
                            Default: $ATLASSIAN_ORG_ID.
  --atlassian-api-key <key> That organization's API key (sent as Bearer to --atlassian-api-url
                            only). Default: $ATLASSIAN_API_KEY; prefer the variable.
  --atlassian-api-url <url> The organization admin API, https:// only.
                            Default: $ATLASSIAN_API_URL, else https://api.atlassian.com.
  --accept-atlassian-2sv    Let people with Atlassian-account 2SV on pass (otherwise the
                            organization's answer is information only).
  --exempt <line>           One exemption: "<account_id or {uuid}> [until YYYY-MM-DD] [# reason]".
                            Repeatable.
  --exempt-file <path>      A file with one exemption a line (the same format). Lines are
                            numbered after the --exempt values.
  --allow-admin-exemptions  Let an exemption excuse a workspace admin (refused by default).
  --fail-on-unknown         Fail when a person's 2FA flag is unknown (the default).
  --no-fail-on-unknown      Report unknown flags but let them pass.
  --fail-on-violation       Exit 1 when someone lacks 2FA (the default).
  --no-fail-on-violation    Report only: exit 0 on a non-compliant verdict (errors still exit 2).
  --redact                  Withhold names, nicknames and account ids. Default: shown in a
                            terminal; in Bitbucket Pipelines withheld unless
                            BITBUCKET_REPO_IS_PRIVATE is true.
  --no-redact               Show them, in Pipelines too.
  --report-file <path>      Write the JSON report there (folders are created). A run without a
                            verdict overwrites it with one that says so.
  --junit-file <path>       Write a JUnit XML report there (Pipelines reads test-results/).
  --attestation-predicate-file <path>
                            Write an in-toto test-result predicate binding the report's
                            sha256 (needs --report-file). Never a name or an id.
  --code-insights           In Bitbucket Pipelines: post a Code Insights report on
                            $BITBUCKET_COMMIT of $BITBUCKET_REPO_FULL_NAME through the step's
                            proxy (no credentials). A failed post is a warning.
  --code-insights-proxy <url>
                            The proxy, http:// only. Default: http://localhost:29418.
  --debug                   One line for each answer on stderr (scrubbed).
  --json                    Print the JSON report on stdout instead of the table (also for a run
                            without a verdict: verdict null, and the error).
  -h, --help                Show this help.
  -V, --version             Show the version.

Environment:
  BITBUCKET_WORKSPACE, BITBUCKET_EMAIL, BITBUCKET_TOKEN, BITBUCKET_API_URL,
  BITBUCKET_OAUTH_CLIENT_ID, BITBUCKET_OAUTH_TOKEN_URL,
  ATLASSIAN_ORG_ID, ATLASSIAN_API_KEY, ATLASSIAN_API_URL
                            Used when the matching flag is not given; flags win.
  BITBUCKET_OAUTH_CLIENT_SECRET
                            The OAuth consumer's Secret (no flag: flags land in shell history).
  NO_COLOR                  No colour, even on a terminal.
  HTTPS_PROXY, NO_PROXY     The proxy rules, as for the GitHub Action (not for --code-insights).
  BITBUCKET_BUILD_NUMBER, BITBUCKET_PIPELINE_UUID, BITBUCKET_REPO_IS_PRIVATE
                            Set by Pipelines: names are withheld there unless the repository
                            is private.
  BITBUCKET_COMMIT, BITBUCKET_REPO_FULL_NAME
                            Set by Pipelines: the commit --code-insights reports on.
  BITBUCKET_PIPELINES_VARIABLES_PATH
                            Set by Pipelines: the BB2FA_* counts are appended there for
                            output-variables.

Examples:
  BITBUCKET_EMAIL=admin@example.com BITBUCKET_TOKEN=... node dist/cli.js --workspace acme
  BITBUCKET_OAUTH_CLIENT_ID=... BITBUCKET_OAUTH_CLIENT_SECRET=... node dist/cli.js --workspace acme
`
