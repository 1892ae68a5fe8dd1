/// The product areas a synthetic corpus draws from: a developer-platform company's
/// categories, owning teams and the words customers use for them.
struct ProductArea: Sendable {
    let category: String
    let subcategories: [String]
    let team: String
    /// Noun phrases naming features of the area.
    let features: [String]
    /// Things the features act on.
    let objects: [String]
    /// Products and standards customers integrate with.
    let integrations: [String]
    /// What people want to do.
    let actions: [String]
}

enum Vocabulary {
    static let areas: [ProductArea] = [
        ProductArea(
            category: "Code search", subcategories: ["Ranking", "Filters", "Query syntax", "Performance"], team: "Search",
            features: ["regex search", "structural search", "saved searches", "search contexts", "commit search", "diff search",
                       "symbol search", "search results ranking", "search filters", "case-sensitive search", "search scopes",
                       "search notifications", "exhaustive search", "search export", "fuzzy file finder"],
            objects: ["archived repositories", "forks", "monorepos", "large files", "generated code", "vendored dependencies",
                      "binary files", "branches", "tags", "commit messages", "code owners files"],
            integrations: ["Slack", "VS Code", "JetBrains", "Chrome", "Emacs", "the CLI"],
            actions: ["search", "filter", "exclude", "rank", "highlight", "export", "paginate", "sort", "share", "bookmark"]),
        ProductArea(
            category: "Authentication", subcategories: ["SAML", "OIDC", "SCIM", "Sessions"], team: "Identity",
            features: ["SAML single sign-on", "OIDC login", "SCIM provisioning", "group sync", "session timeout",
                       "multi-factor authentication", "just-in-time provisioning", "login page branding", "IdP-initiated login",
                       "access tokens", "service accounts", "password policies"],
            objects: ["users", "groups", "sessions", "identity providers", "external accounts", "login attempts"],
            integrations: ["Okta", "Azure AD", "OneLogin", "Ping Identity", "Google Workspace", "Keycloak", "ADFS"],
            actions: ["sync", "provision", "deprovision", "map", "enforce", "expire", "revoke", "rotate", "configure"]),
        ProductArea(
            category: "Code hosts", subcategories: ["GitHub", "GitLab", "Bitbucket", "Perforce"], team: "Source",
            features: ["code host connections", "repository syncing", "webhook delivery", "rate limit handling",
                       "repository discovery", "clone over SSH", "sparse checkouts", "LFS support", "mirror scheduling"],
            objects: ["repositories", "organizations", "projects", "depots", "submodules", "pull requests", "merge requests"],
            integrations: ["GitHub Enterprise", "GitLab self-managed", "Bitbucket Server", "Bitbucket Cloud", "Gerrit",
                           "Perforce Helix", "Azure DevOps", "AWS CodeCommit"],
            actions: ["sync", "clone", "discover", "mirror", "exclude", "prioritize", "throttle", "retry", "authenticate"]),
        ProductArea(
            category: "Batch changes", subcategories: ["Specs", "Publishing", "Tracking"], team: "Batch changes",
            features: ["batch changes", "batch specs", "changeset publishing", "draft changesets", "bulk operations",
                       "changeset tracking", "server-side execution", "batch change templates", "auto-merge"],
            objects: ["changesets", "pull requests", "workspaces", "steps", "code owners", "CI checks"],
            integrations: ["GitHub Actions", "Jenkins", "CircleCI", "Buildkite", "GitLab CI"],
            actions: ["publish", "retry", "merge", "close", "rebase", "preview", "schedule", "comment on", "reassign"]),
        ProductArea(
            category: "Permissions", subcategories: ["Repository permissions", "Roles", "Teams"], team: "Access",
            features: ["repository permissions", "role-based access control", "custom roles", "team management",
                       "permission syncing", "fine-grained permissions", "read-only users", "explicit permissions API"],
            objects: ["roles", "teams", "organizations", "repositories", "admins", "members", "namespaces"],
            integrations: ["GitHub", "GitLab", "Bitbucket", "LDAP", "Active Directory"],
            actions: ["grant", "restrict", "assign", "audit", "inherit", "sync", "delegate", "limit"]),
        ProductArea(
            category: "API", subcategories: ["GraphQL", "Webhooks", "Tokens"], team: "Platform",
            features: ["GraphQL API", "REST endpoints", "outgoing webhooks", "API rate limits", "API pagination",
                       "scoped access tokens", "token expiration", "API usage metrics", "streaming search API"],
            objects: ["tokens", "requests", "events", "queries", "responses", "clients", "integrations"],
            integrations: ["Terraform", "Python SDK", "Go SDK", "Zapier", "Backstage", "ServiceNow"],
            actions: ["query", "paginate", "subscribe to", "rotate", "scope", "throttle", "retry", "batch"]),
        ProductArea(
            category: "Audit logs", subcategories: ["Export", "Retention", "Events"], team: "Security",
            features: ["audit log export", "security event logging", "audit log retention", "log streaming",
                       "admin activity logs", "tamper-evident logs", "data access logs"],
            objects: ["events", "log entries", "admin actions", "login events", "API calls", "configuration changes"],
            integrations: ["Splunk", "Datadog", "Sumo Logic", "Elastic", "Amazon S3", "Google Cloud Storage", "SIEM tools"],
            actions: ["export", "stream", "retain", "filter", "search", "forward", "archive", "redact"]),
        ProductArea(
            category: "Code insights", subcategories: ["Dashboards", "Alerts"], team: "Insights",
            features: ["code insights dashboards", "insight alerts", "migration tracking", "language statistics",
                       "dependency tracking", "insight sharing", "historical backfill"],
            objects: ["dashboards", "insights", "data series", "charts", "time ranges", "repositories"],
            integrations: ["Slack", "email", "Grafana", "Looker", "Jira"],
            actions: ["track", "chart", "compare", "alert on", "share", "backfill", "filter", "export"]),
        ProductArea(
            category: "Administration", subcategories: ["Upgrades", "Deployment", "Monitoring"], team: "Delivery",
            features: ["zero-downtime upgrades", "Helm chart configuration", "site configuration", "health checks",
                       "resource monitoring", "backup and restore", "air-gapped installs", "license management"],
            objects: ["instances", "pods", "databases", "nodes", "configuration files", "upgrade paths"],
            integrations: ["Kubernetes", "Docker Compose", "AWS", "Google Cloud", "Azure", "OpenShift", "Prometheus"],
            actions: ["upgrade", "configure", "monitor", "back up", "restore", "scale", "migrate", "roll back"]),
        ProductArea(
            category: "Code navigation", subcategories: ["Precise navigation", "Languages"], team: "Code intelligence",
            features: ["precise code navigation", "find references", "go to definition", "cross-repository navigation",
                       "hover documentation", "auto-indexing", "language support"],
            objects: ["symbols", "references", "definitions", "indexes", "languages", "dependencies"],
            integrations: ["TypeScript", "Java", "Go", "Python", "C++", "Rust", "Kotlin", "Scala"],
            actions: ["navigate", "index", "resolve", "jump to", "preview", "browse", "infer"]),
    ]

    static let roles = ["admins", "developers", "site admins", "team leads", "security teams", "platform engineers",
                        "release managers", "new hires", "contractors", "auditors"]
    static let titleQualifiers = ["across all repositories", "for large instances", "per organization", "in the UI",
                                  "via the API", "without restarting", "for self-hosted instances", "by default",
                                  "at scale", "with fine-grained control", "for every team", "in bulk"]
    static let titleVerbs = ["Support", "Allow", "Add", "Improve", "Enable", "Provide", "Expose", "Configure"]

    /// Words customers and colleagues fill descriptions with, most frequent first.
    static let filler: [String] = """
        the to and a of we in is for that it this our they with be on are not have can would as when users \
        need team customer customers currently today more from all there so do which like because want make \
        time every their very also has use using instance large enterprise workflow feature manually right now \
        able would like them other one many some work working process request requests requested asked ask \
        months weeks days hours hundred thousand several teams company companies developers engineers \
        productivity visibility compliance security performance reliability scale scaling experience easier \
        faster slower painful friction blocker blocking adoption rollout evaluation renewal contract expansion \
        competitor competitors alternative alternatives requirement requirements priority important critical \
        useful helpful nice expected standard common typical similar related existing current future planned \
        support supported option options setting settings default defaults behavior behaviour change changes \
        update updates version versions release releases upgrade migration migrate migrating onboarding \
        documentation docs guide example examples case cases scenario scenarios pattern patterns approach
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    /// Paraphrase pairs used in both directions.
    static let synonyms: [(String, String)] = [
        ("repository", "repo"), ("repositories", "repos"), ("single sign-on", "SSO"), ("organization", "org"),
        ("organizations", "orgs"), ("configuration", "config"), ("administrator", "admin"), ("admins", "administrators"),
        ("support", "allow"), ("export", "download"), ("notifications", "alerts"), ("dashboards", "overview pages"),
        ("permissions", "access rights"), ("users", "people"), ("improve", "make better"), ("large", "big"),
        ("add", "introduce"), ("enable", "turn on"), ("search", "find"), ("provisioning", "user provisioning"),
        ("customers", "clients"), ("API", "programmatic access"), ("UI", "web interface"), ("upgrade", "update"),
    ]

    static let companies = [
        "Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises", "Soylent",
        "Cyberdyne", "Tyrell", "Wonka Industries", "Vandelay Industries", "Massive Dynamic", "Oceanic Airlines",
        "Dunder Mifflin", "Pied Piper", "Aperture Science", "Black Mesa", "Gringotts", "Monarch Solutions",
        "Blue Sun", "Octan", "Nakatomi Trading", "Virtucon", "Gekko & Co", "Sterling Cooper", "Prestige Worldwide",
        "Bluth Company", "Los Pollos Hermanos", "Krusty Krab", "Buy n Large", "Rekall", "Ollivanders",
        "InGen", "Weyland-Yutani", "Duff Brewing", "Paper Street Soap", "Strickland Propane", "Genco Pura", "Omni Consumer",
    ]
}
