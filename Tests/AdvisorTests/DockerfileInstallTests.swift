import Foundation
import Testing
@testable import ProjectScan

/// Which `RUN`s install the project's locked packages, in which stage, and whether their files
/// reach the judged stage (its FROM chain, or `COPY --from=`), as `check --dockerfile` takes them.
@Suite struct DockerfileInstallTests {
    func installs(_ text: String, stage: String? = nil) throws -> [DockerfileInstall] {
        try Dockerfile.base(of: text, path: "Dockerfile", stage: stage).installs
    }

    @Test func aBuildStageCopiedFromReachesTheFinalStage() throws {
        let text = """
        FROM node:22-bookworm AS build
        WORKDIR /app
        RUN npm ci --omit=dev
        FROM node:22-bookworm AS test
        RUN npm ci && npm test
        FROM node:22-alpine
        COPY --from=build /app/node_modules ./node_modules
        """
        let found = try installs(text)
        // The test stage's install is copied nowhere: it does not reach the final image.
        #expect(found.count == 1)
        let install = try #require(found.first)
        #expect(install.tool == .npm)
        #expect(install.stage == "build")
        #expect(install.image == "node:22-bookworm")
        #expect(install.line == 3)
        #expect(!install.inJudgedStage)
        #expect(!install.omitsOptional)
        #expect(install.command == "npm ci --omit=dev")
        // Judged at the test stage, its own install is the judged stage's.
        let test = try installs(text, stage: "test")
        #expect(test.map(\.stage) == ["test"])
        #expect(test.first?.inJudgedStage == true)
    }

    @Test func theFromChainAndCopiesByIndexAndThroughOtherStages() throws {
        let text = """
        ARG BASE=node:22-bookworm-slim
        FROM ${BASE} AS deps
        RUN --mount=type=cache,target=/root/.npm npm ci
        FROM deps AS build
        RUN npm run build
        FROM node:22-alpine AS python
        RUN ["sh", "-c", "pip install --no-cache-dir -r requirements.txt && echo done"]
        FROM build AS bundle
        COPY --from=2 /usr/lib/python3 /usr/lib/python3
        FROM gcr.io/distroless/nodejs22-debian12
        COPY --from=bundle /app /app
        """
        let found = try installs(text)
        #expect(found.map(\.tool) == [.npm, .pip])
        // Through bundle, built FROM build, built FROM deps: the image is deps' own.
        #expect(found.first?.image == "node:22-bookworm-slim")
        #expect(found.first?.stage == "deps")
        #expect(found.last?.stage == "python")
        #expect(found.last?.image == "node:22-alpine")
        #expect(found.allSatisfy { !$0.inJudgedStage })
        // Judged at bundle: deps is in its FROM chain.
        #expect(try installs(text, stage: "bundle").first?.inJudgedStage == true)
    }

    @Test func installCommandsAndTheirOptionalFlags() throws {
        func one(_ run: String, env: String = "") throws -> DockerfileInstall? {
            try installs("FROM node:22\n\(env)\(run)\n").first
        }
        #expect(try one("RUN npm ci --omit=optional")?.omitsOptional == true)
        #expect(try one("RUN npm ci --omit dev --omit optional")?.omitsOptional == true)
        #expect(try one("RUN npm install --no-optional")?.omitsOptional == true)
        #expect(try one("RUN NPM_CONFIG_OMIT=optional npm ci")?.omitsOptional == true)
        #expect(try one("RUN npm ci", env: "ENV NPM_CONFIG_OMIT=dev,optional\n")?.omitsOptional == true)
        #expect(try one("RUN npm ci", env: "ENV npm_config_optional false\n")?.omitsOptional == true)
        #expect(try one("RUN yarn install --frozen-lockfile --ignore-optional")?.omitsOptional == true)
        #expect(try one("RUN pnpm install --frozen-lockfile --no-optional")?.tool == .pnpm)
        #expect(try one("RUN corepack enable && pnpm i --frozen-lockfile")?.tool == .pnpm)
        #expect(try one("RUN yarn")?.tool == .yarn)
        #expect(try one("RUN npm ci --omit=dev")?.omitsOptional == false)
        #expect(try one("RUN [\"npm\", \"ci\"]")?.tool == .npm)
        #expect(try one("RUN <<EOF\nset -e\nnpm ci --no-optional\nEOF")?.omitsOptional == true)
        #expect(try one("RUN python3 -m pip install -r requirements.txt")?.tool == .pip)
        #expect(try one("RUN uv sync --frozen --no-dev")?.tool == .uv)
        #expect(try one("RUN poetry install --no-root")?.tool == .poetry)
        #expect(try one("RUN pipenv install --deploy --system")?.tool == .pipenv)
        #expect(try one("RUN pdm install --prod")?.tool == .pdm)
        // Tools installed for the build, not the project's packages.
        #expect(try one("RUN npm install -g pnpm@9") == nil)
        #expect(try one("RUN yarn global add node-gyp") == nil)
        #expect(try one("RUN pip install --upgrade pip poetry") == nil)
        #expect(try one("RUN npm run build") == nil)
        #expect(try one("RUN echo npm ci") == nil)
    }

    @Test func shellCommandsSplitAtOperatorsNotInsideQuotes() {
        let commands = ShellCommands.split("apk add --no-cache python3 make g++&&npm ci --omit=optional || (echo 'a; b' | tee x)\nyarn \\\n  install")
        #expect(commands.map { $0.first ?? "" } == ["apk", "npm", "echo", "tee", "yarn"])
        #expect(commands[1] == ["npm", "ci", "--omit=optional"])
        #expect(commands[2] == ["echo", "'a; b'"])
        #expect(commands[4] == ["yarn", "install"])
    }
}
