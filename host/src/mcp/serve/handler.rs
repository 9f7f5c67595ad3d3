//! The MCP server handler: tools from a [`ToolSource`], skills from a
//! [`SkillCatalog`].

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CustomRequest, CustomResult, ErrorCode,
    GetSkillRequestParams, GetSkillResult, Implementation, ListResourcesResult, ListSkillsResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceDirectoryRequestParams,
    ReadResourceDirectoryResult, ReadResourceRequestParams, ReadResourceResponse,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData, ServerHandler};

use super::skills::SkillCatalog;
use super::tools::ToolSource;

/// quire as an MCP server. Cheap to clone (one per HTTP session).
#[derive(Clone)]
pub struct QuireServer {
    inner: Arc<Inner>,
}

struct Inner {
    tools: ToolSource,
    skills: SkillCatalog,
}

impl QuireServer {
    pub fn new(tools: ToolSource, skills: SkillCatalog) -> QuireServer {
        QuireServer {
            inner: Arc::new(Inner { tools, skills }),
        }
    }

    pub fn tools(&self) -> &ToolSource {
        &self.inner.tools
    }

    pub fn skills(&self) -> &SkillCatalog {
        &self.inner.skills
    }

    /// Runs `f` on the catalog off the async threads (it reads files).
    async fn with_skills<T: Send + 'static>(
        &self,
        f: impl FnOnce(&SkillCatalog) -> Result<T, ErrorData> + Send + 'static,
    ) -> Result<T, ErrorData> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner.skills))
            .await
            .map_err(|e| ErrorData::internal_error(format!("reading skills failed: {e}"), None))?
    }
}

const INSTRUCTIONS: &str = "quire serves its tools and its Agent Skills. Skills follow the MCP skills extension (io.modelcontextprotocol/skills): skills/list and skills/get give each skill's frontmatter and the sha256 digest of every file; the files are skill://NAME/PATH resources (resources/read), starting with skill://NAME/SKILL.md.";

/// The methods quire answers, for the method-not-found message.
const METHODS: &str = "initialize, ping, tools/list, tools/call, resources/list, resources/read, resources/directory/read, skills/list, skills/get";

/// What a method quire serves needs in its params, for the
/// invalid-params message; `None` for a method it does not serve.
fn params_needed(method: &str) -> Option<&'static str> {
    match method {
        "skills/get" | "resources/read" | "resources/directory/read" => {
            Some("`uri` (a string, such as skill://NAME/SKILL.md)")
        }
        "tools/call" => Some("`name` (a string; `arguments` an object)"),
        m if METHODS.split(", ").any(|known| known == m) => Some("params of the right shape"),
        _ => None,
    }
}

/// Params as received, shortened for a message.
fn shown_params(params: Option<&serde_json::Value>) -> String {
    let Some(p) = params else {
        return "no params".into();
    };
    let text = p.to_string();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

impl ServerHandler for QuireServer {
    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        // rmcp hands a known method whose params it could not read here
        // too: that is invalid params, not an unknown method.
        if let Some(needs) = params_needed(&request.method) {
            return Err(ErrorData::new(
                ErrorCode::INVALID_PARAMS,
                format!(
                    "Invalid params for {}: {needs} is required; got {}",
                    request.method,
                    shown_params(request.params.as_ref())
                ),
                None,
            ));
        }
        Err(ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!(
                "Method not found: quire does not serve '{}'; it serves {METHODS}",
                request.method
            ),
            None,
        ))
    }

    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_skills_with_directory_read()
                .build(),
        )
        .with_server_info(Implementation::new("quire", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.inner.tools.list()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.inner
            .tools
            .call(&request.name, request.arguments, context.ct.clone())
            .await
            .map(CallToolResponse::Complete)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        self.with_skills(|s| Ok(ListResourcesResult::with_all_items(s.resources())))
            .await
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri;
        self.with_skills(move |s| s.read(&uri))
            .await
            .map(ReadResourceResponse::Complete)
    }

    async fn list_skills(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListSkillsResult, ErrorData> {
        self.with_skills(|s| Ok(s.list())).await
    }

    async fn get_skill(
        &self,
        request: GetSkillRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetSkillResult, ErrorData> {
        let uri = request.uri;
        self.with_skills(move |s| s.get(&uri)).await
    }

    async fn read_resource_directory(
        &self,
        request: ReadResourceDirectoryRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceDirectoryResult, ErrorData> {
        let uri = request.uri;
        self.with_skills(move |s| s.read_dir(&uri)).await
    }
}
