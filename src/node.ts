export { type NodeHandler, toNodeHandler } from "./node/to-node-handler.js";
