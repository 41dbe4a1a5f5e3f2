# Production image: compiled assets, production dependencies, an external PostgreSQL (DATABASE_URL).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `prepare` builds the assets from files copied next: install without scripts, then build.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild argon2 esbuild
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/public ./public
COPY --from=build /app/dist ./dist
COPY views ./views
USER node
EXPOSE 3000
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# glibc's allocator keeps freed memory (page compression, query results) unless told to give large
# blocks back at once; with these the process stays within ~200 MB (docs/PERFORMANCE.md).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=4", "dist/src/server.js"]
