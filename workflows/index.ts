export { enrollmentWorkflow } from './enrollment';
export { broadcastWorkflow } from './broadcast';
