# Production image for the worker, the sales bot (with the payment webhooks) and the course bot; compose picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Workflow code is bundled at build time so workers start without webpack.
RUN npx tsx scripts/bundle-workflows.ts
ENV NODE_ENV=production WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER node
# Plain node with the tsx loader, not the tsx CLI: SIGTERM reaches the process, which drains before it exits.
CMD ["node", "--import", "tsx", "worker.ts"]
